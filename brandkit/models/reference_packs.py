"""Versioned reference packs: the images Seedream is given to keep a character, product or style."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from brandkit.choices import PackPurpose
from brandkit.models.base import VersionedModel

# A pack is sent whole with any model, so it holds what every model takes in one request: 10
# (Seedream 5.0 Pro; the others take 14). tests/brandkit/test_pack_limit.py checks the catalog.
MAX_IMAGES_PER_PACK = 10


class ReferencePack(VersionedModel):
    """One version of a named set of reference images for a brand.

    Versions of the same pack share `brand` and `name` and count up from 1. A published version is
    immutable (the services refuse to change it or its images); editing it makes version n + 1 as a
    draft, copied from it. Generations record the exact version they used.
    """

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.PROTECT, related_name="reference_packs"
    )
    purpose = models.CharField(max_length=16, choices=PackPurpose.choices)
    description = models.TextField(blank=True)

    class Meta(VersionedModel.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("brandkit:reference_pack_detail", kwargs={"pk": self.pk})


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
