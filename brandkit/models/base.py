"""Abstract bases shared by every domain model."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from brandkit.choices import VersionStatus


class TimeStampedModel(models.Model):
    """Adds `created_at` and `updated_at`, stamped by the database layer on insert and save."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A named thing of a brand that is published in numbered, immutable versions.

    Versions share `brand` (declared by each subclass, for its own related name) and `name`, and
    count up from 1. A published version never changes (the services refuse); editing makes
    version n + 1 as a draft `derived_from` it, and only one draft per name may exist.
    """

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived_versions"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["brand", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
            # One draft at a time per name, so "edit" always lands in the same place.
            models.UniqueConstraint(
                fields=["brand", "name"],
                condition=models.Q(status="draft"),
                name="%(app_label)s_%(class)s_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT
