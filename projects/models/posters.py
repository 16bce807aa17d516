"""Composited posters of versions made from a poster template, with their brand checks."""

from __future__ import annotations

from django.db import models

from projects.choices import CheckStatus


class VersionPoster(models.Model):
    """The poster made from one asset version: the generated image fitted to its template's
    canvas with the overlay text and logo drawn in, and the brand check results on it.

    Made once by a queued job after the version is created (or by `posters_backfill`); like the
    version, it is never rewritten. `status` is the worst check result, stored for the inbox's
    filter and sort; `error` says why no poster could be drawn (the image is then empty).
    """

    version = models.OneToOneField(
        "projects.AssetVersion", on_delete=models.PROTECT, related_name="poster"
    )
    template = models.ForeignKey(
        "brandkit.PosterTemplate", on_delete=models.PROTECT, related_name="+"
    )
    image = models.FileField(upload_to="posters/", max_length=255, blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    renderer_version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=CheckStatus.choices, db_index=True)
    warnings = models.PositiveSmallIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(default=0)
    checks = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Poster of {self.version} ({self.status})"
