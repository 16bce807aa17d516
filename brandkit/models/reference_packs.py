"""Versioned reference packs: the images Seedream is given to keep a character, product or style."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from brandkit.choices import PackPurpose, VersionStatus
from brandkit.models.base import TimeStampedModel

MAX_IMAGES_PER_PACK = 10  # Seedream 4.0 takes at most 10 reference images in one request.


class ReferencePack(TimeStampedModel):
    """One version of a named set of reference images for a brand.

    Versions of the same pack share `brand` and `name` and count up from 1. A published version is
    immutable (the services refuse to change it or its images); editing it makes version n + 1 as a
    draft, copied from it. Generations record the exact version they used.
    """

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.PROTECT, related_name="reference_packs"
    )
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=16, choices=PackPurpose.choices)
    description = models.TextField(blank=True)
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
        ordering = ["brand", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
            # One draft at a time per pack, so "edit" always lands in the same place.
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

    def get_absolute_url(self) -> str:
        return reverse("brandkit:reference_pack_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class ReferenceImage(models.Model):
    """One image of a pack version, at a position. The file is stored by its sha256 and never
    rewritten, so a pack version and any payload that points at it stay reproducible."""

    pack = models.ForeignKey(
        "brandkit.ReferencePack", on_delete=models.CASCADE, related_name="images"
    )
    position = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to="references/", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    caption = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pack", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "position"], name="%(app_label)s_%(class)s_one_per_position"
            ),
            models.UniqueConstraint(
                fields=["pack", "sha256"], name="%(app_label)s_%(class)s_no_duplicate_image"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack} #{self.position + 1}"
