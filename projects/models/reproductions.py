"""Reproductions: a version's stored payload sent again, and how the result compares."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Reproduction(models.Model):
    """A re-run of one version's exact stored payload as a new generation, with the outcome
    compared to the original: byte-identical (the local renderer) or a perceptual distance
    (hosted models). The result is kept for comparison; it is not a new version of the asset."""

    version = models.ForeignKey(
        "projects.AssetVersion", on_delete=models.PROTECT, related_name="reproductions"
    )
    generation = models.OneToOneField(
        "projects.Generation", on_delete=models.PROTECT, related_name="reproduction"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    output_image = models.FileField(upload_to="outputs/", max_length=255, blank=True)
    output_thumbnail = models.FileField(upload_to="thumbs/", max_length=255, blank=True)
    output_sha256 = models.CharField(max_length=64, blank=True)
    is_identical = models.BooleanField(null=True)
    distance = models.FloatField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Reproduction of {self.version}"
