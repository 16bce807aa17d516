"""Who may read a stored file: the registry of every model that stores one, and the check.

Files are content-addressed, so a file belongs to every brand that has a row pointing at those
bytes (the same logo uploaded by two brands is one file, readable by both). MEDIA_OWNERS lists each
model with a FileField, the column holding the sha256 its files (and their thumbnails) are named
after, and the lookup from the row to its brand. tests/brandkit/test_media_access.py fails when a
model gains a FileField that is not listed here, so a new kind of file cannot be served unscoped.

Template previews are named by the hash of what they show rather than of a stored file, so they
are matched by drawing the spec of each template of the user's brands at the requested size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Q, QuerySet

from brandkit.models import PosterTemplate
from brandkit.selectors import brand_list_for_user, poster_template_preview_spec
from brandkit.template_previews import preview_digest

if TYPE_CHECKING:
    from brandkit.models import Brand
    from brandkit.selectors import AnyUser


@dataclass(frozen=True)
class MediaOwner:
    """A model that stores files: which fields, the sha256 column, and the path to its brand."""

    model: str
    file_fields: tuple[str, ...]
    sha256_field: str
    brand_path: str


MEDIA_OWNERS: tuple[MediaOwner, ...] = (
    MediaOwner("brandkit.BrandFont", ("file",), "sha256", "brand"),
    MediaOwner("brandkit.BrandLogo", ("file",), "sha256", "brand"),
    MediaOwner("brandkit.ReferenceImage", ("file",), "sha256", "pack__brand"),
    MediaOwner(
        "projects.AssetVersion", ("image", "thumbnail"), "image_sha256", "asset__campaign__brand"
    ),
    MediaOwner(
        "projects.VersionPoster", ("image",), "image_sha256", "version__asset__campaign__brand"
    ),
    MediaOwner(
        "projects.Reproduction",
        ("output_image", "output_thumbnail"),
        "output_sha256",
        "version__asset__campaign__brand",
    ),
)
PREVIEW_FOLDER = "previews"


def user_may_read_file(*, user: AnyUser, folder: str, sha256: str, size: int | None) -> bool:
    """True when one of the user's brands has a row pointing at the file (superusers: always)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    brands = brand_list_for_user(user=user)
    if folder == PREVIEW_FOLDER:
        return size is not None and _preview_belongs_to(brands=brands, digest=sha256, size=size)
    for owner in MEDIA_OWNERS:
        model = apps.get_model(owner.model)
        scoped = Q(**{owner.sha256_field: sha256, f"{owner.brand_path}__in": brands})
        if model._default_manager.filter(scoped).exists():
            return True
    return False


def _preview_belongs_to(*, brands: QuerySet[Brand], digest: str, size: int) -> bool:
    templates = PosterTemplate.objects.filter(brand__in=brands).prefetch_related(
        "text_slots", "brand__colors", "brand__fonts", "brand__logos"
    )
    for template in templates.select_related("brand"):
        spec, _files = poster_template_preview_spec(
            template=template, brand=template.brand, max_side=size
        )
        if preview_digest(spec) == digest:
            return True
    return False
