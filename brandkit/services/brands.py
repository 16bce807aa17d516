"""Writes on brands, their members, fonts and logos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from brandkit.choices import FontRole, LogoVariant, MembershipRole
from brandkit.fonts import validate_font_upload
from brandkit.images import validate_image_upload
from brandkit.models import Brand, BrandFont, BrandLogo, Membership
from brandkit.storage import store_content_addressed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def brand_create(*, name: str, slug: str, created_by: AbstractBaseUser, **fields: Any) -> Brand:
    """Create a draft brand and make its creator the brand's admin."""
    brand = Brand(name=name, slug=slug, **fields)
    brand.full_clean()
    brand.save()
    membership_set(brand=brand, user=created_by, role=MembershipRole.ADMIN)
    return brand


def membership_set(*, brand: Brand, user: AbstractBaseUser, role: str) -> Membership:
    """Give `user` exactly one role on `brand` (replacing any earlier one)."""
    membership, _ = Membership.objects.update_or_create(
        brand=brand, user=user, defaults={"role": MembershipRole(role)}
    )
    return membership


@transaction.atomic
def brand_font_set(*, brand: Brand, role: str, data: bytes) -> BrandFont:
    """Validate a TTF/OTF upload and make it the brand's font for `role`.

    Raises `brandkit.fonts.FontRejected` with a user-facing message; nothing is stored then.
    """
    font = validate_font_upload(data, max_bytes=settings.MAX_FONT_BYTES)
    name, sha256 = store_content_addressed(font.data, folder="fonts", extension=font.extension)
    brand_font, _ = BrandFont.objects.update_or_create(
        brand=brand,
        role=FontRole(role),
        defaults={"family": font.family, "style": font.style, "file": name, "sha256": sha256},
    )
    return brand_font


@transaction.atomic
def brand_logo_set(*, brand: Brand, variant: str, data: bytes) -> BrandLogo:
    """Validate a PNG logo (transparency matters on posters) and make it the `variant` logo.

    Raises `brandkit.images.ImageRejected` with a user-facing message; nothing is stored then.
    """
    image = validate_image_upload(
        data,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        max_pixels=settings.MAX_UPLOAD_PIXELS,
        allowed_formats=("PNG",),
    )
    name, sha256 = store_content_addressed(image.data, folder="logos", extension=image.extension)
    logo, _ = BrandLogo.objects.update_or_create(
        brand=brand,
        variant=LogoVariant(variant),
        defaults={"file": name, "sha256": sha256, "width": image.width, "height": image.height},
    )
    return logo
