"""Assets and their immutable versions: every stored output image, traceable to its request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from brandkit.models.base import TimeStampedModel
from projects.choices import ReviewStatus


class Asset(TimeStampedModel):
    """A piece of campaign imagery under review, made of versions.

    `latest_version` and `approved_version` are updated by services in the same transaction as
    the change that moves them.
    """

    campaign = models.ForeignKey(
        "projects.Campaign", on_delete=models.PROTECT, related_name="assets"
    )
    title = models.CharField(max_length=200)
    # The title and every version's prompt, one per line: what the board's search matches, kept
    # by projects.services.asset_search_text so a search reads one column of one table (with a
    # trigram index on PostgreSQL) instead of every version's generation.
    search_text = models.TextField(blank=True, default="", editable=False)
    review_status = models.CharField(
        max_length=24, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    latest_version = models.ForeignKey(
        "projects.AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_version = models.ForeignKey(
        "projects.AssetVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The review in progress: which version, which round, which step of the brand's chain.
    submitted_version = models.ForeignKey(
        "projects.AssetVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    review_round = models.PositiveIntegerField(default=0)
    current_step = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The campaign board's pages, newest first.
            models.Index(
                fields=["campaign", "-created_at", "-id"], name="projects_asset_campaign_new"
            ),
            # The review inbox and its count: assets in review, oldest submission first.
            models.Index(fields=["review_status", "submitted_at"], name="projects_asset_inbox"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:asset_detail", kwargs={"pk": self.pk})


class AssetVersionQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise ImmutableVersionError("Asset versions are immutable; make a new version instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableVersionError("Asset versions are never deleted.")


class ImmutableVersionError(Exception):
    """Something tried to change or delete an asset version."""


class AssetVersion(models.Model):
    """One immutable version of an asset: an image stored by its sha256 and the generation (and
    so the exact payload) that made it. Never updated or deleted; new work is a new version.
    The ORM refuses updates and deletes, and a database trigger refuses UPDATE as well."""

    asset = models.ForeignKey("projects.Asset", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    generation = models.ForeignKey(
        "projects.Generation", on_delete=models.PROTECT, related_name="versions"
    )
    output_index = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    image = models.FileField(upload_to="outputs/", max_length=255)
    image_sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(max_length=32, default="image/jpeg")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    thumbnail = models.FileField(upload_to="thumbs/", max_length=255)
    provenance = models.JSONField(
        default=dict,
        blank=True,
        help_text="A C2PA manifest found in the provider's output (empty: none).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssetVersionQuerySet.as_manager()

    class Meta:
        ordering = ["asset", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.UniqueConstraint(
                fields=["generation", "output_index"],
                name="%(app_label)s_%(class)s_one_per_output",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        # A guard, not business logic: versions are written once, by output_versions_create.
        if not self._state.adding:
            raise ImmutableVersionError(f"{self} is immutable; make a new version instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableVersionError(f"{self} is never deleted.")
