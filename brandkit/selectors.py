"""Reads of the brand library, scoped to what a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet

from brandkit.choices import ColorRole, MembershipRole, VersionStatus
from brandkit.models import (
    Brand,
    Membership,
    ModelMapping,
    PosterTemplate,
    ReferenceImage,
    ReferencePack,
)
from brandkit.template_previews import (
    DEFAULT_MAX_SIDE,
    PreviewLogo,
    PreviewSlot,
    TemplatePreviewSpec,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


def brand_list_for_user(*, user: AnyUser, roles: Iterable[str] | None = None) -> QuerySet[Brand]:
    """Brands the user is a member of (with one of `roles`, when given). Superusers see all."""
    if not user.is_authenticated:
        return Brand.objects.none()
    if user.is_superuser:
        return Brand.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Brand.objects.filter(pk__in=memberships.values("brand_id"))


def brand_role(*, user: AnyUser, brand: Brand) -> str | None:
    """The user's role on the brand, `admin` for superusers, None for non-members."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return MembershipRole.ADMIN
    return Membership.objects.filter(user=user, brand=brand).values_list("role", flat=True).first()


def brand_ids_administered_by(*, user: AnyUser) -> set[int]:
    return set(
        brand_list_for_user(user=user, roles=[MembershipRole.ADMIN]).values_list("pk", flat=True)
    )


def brand_get_for_detail(*, slug: str, user: AnyUser) -> Brand:
    """The brand page's data in a fixed number of queries; raises Brand.DoesNotExist for
    non-members, so a page answers 404 rather than revealing the brand exists."""
    images = ReferenceImage.objects.order_by("position")
    packs = ReferencePack.objects.exclude(status=VersionStatus.ARCHIVED).prefetch_related(
        Prefetch("images", queryset=images)
    )
    return (
        brand_list_for_user(user=user)
        .prefetch_related(
            "colors",
            "fonts",
            "logos",
            Prefetch("reference_packs", queryset=packs),
            Prefetch(
                "poster_templates",
                queryset=PosterTemplate.objects.exclude(status=VersionStatus.ARCHIVED)
                .select_related("default_reference_pack")
                .prefetch_related("text_slots"),
            ),
        )
        .get(slug=slug)
    )


def reference_pack_get_for_user(*, pk: int, user: AnyUser) -> ReferencePack:
    """A pack with its brand and its images in order; raises ReferencePack.DoesNotExist for
    non-members of its brand, so a page answers 404 rather than revealing the pack exists."""
    return (
        ReferencePack.objects.select_related("brand", "derived_from")
        .prefetch_related(Prefetch("images", queryset=ReferenceImage.objects.order_by("position")))
        .get(pk=pk, brand__in=brand_list_for_user(user=user))
    )


def reference_pack_versions(*, pack: ReferencePack) -> QuerySet[ReferencePack]:
    """Every version of the pack, newest first, with who published it and how many images."""
    return (
        ReferencePack.objects.filter(brand_id=pack.brand_id, name=pack.name)
        .select_related("published_by")
        .annotate(image_count=Count("images"))
        .order_by("-version")
    )


def poster_template_get_for_user(*, pk: int, user: AnyUser) -> PosterTemplate:
    """A template with what its page and preview show (slots, the brand's palette, fonts and
    logos); raises PosterTemplate.DoesNotExist for non-members of its brand."""
    return (
        PosterTemplate.objects.select_related("brand", "default_reference_pack")
        .prefetch_related("text_slots", "brand__colors", "brand__fonts", "brand__logos")
        .get(pk=pk, brand__in=brand_list_for_user(user=user))
    )


# Used when a brand has no colour for a role, so every slot still shows.
FALLBACK_COLORS = {
    ColorRole.PRIMARY: "#0A3D62",
    ColorRole.SECONDARY: "#5B6475",
    ColorRole.ACCENT: "#B35C00",
    ColorRole.BACKGROUND: "#FFFFFF",
    ColorRole.TEXT: "#1D2330",
}


def poster_template_preview_spec(
    *, template: PosterTemplate, brand: Brand, max_side: int = DEFAULT_MAX_SIDE
) -> tuple[TemplatePreviewSpec, dict[str, str]]:
    """What the template's preview shows, in the brand's colour roles, fonts and logo, and the
    storage name of each font and logo file by sha256.

    Reads `template.text_slots` and `brand.colors`/`fonts`/`logos`; prefetch them for lists.
    """
    colors: dict[str, str] = {}
    for color in brand.colors.all():
        colors.setdefault(color.role, color.hex)
    fonts = {font.role: font for font in brand.fonts.all()}
    file_names = {font.sha256: font.file.name for font in fonts.values()}
    slots = tuple(
        PreviewSlot(
            label=slot.label or slot.key,
            box=(slot.box_x, slot.box_y, slot.box_width, slot.box_height),
            color=colors.get(slot.color_role) or FALLBACK_COLORS[ColorRole(slot.color_role)],
            font_sha256=fonts[slot.font_role].sha256 if slot.font_role in fonts else "",
            alignment=slot.alignment,
            font_size=slot.max_font_size,
        )
        for slot in template.text_slots.all()
    )
    logo = None
    if template.logo_box is not None:
        brand_logo = next(
            (logo for logo in brand.logos.all() if logo.variant == template.logo_variant), None
        )
        logo = PreviewLogo(
            box=template.logo_box,
            label=f"Logo ({template.get_logo_variant_display()})",
            sha256=brand_logo.sha256 if brand_logo else "",
        )
        if brand_logo is not None:
            file_names[brand_logo.sha256] = brand_logo.file.name
    spec = TemplatePreviewSpec(
        canvas=(template.canvas_width, template.canvas_height),
        background=colors.get(ColorRole.BACKGROUND) or FALLBACK_COLORS[ColorRole.BACKGROUND],
        slots=slots,
        logo=logo,
        max_side=max_side,
    )
    return spec, file_names


def published_reference_packs(*, brand: Brand) -> QuerySet[ReferencePack]:
    return ReferencePack.objects.filter(brand=brand, status=VersionStatus.PUBLISHED)


def brand_model_mappings(*, brand: Brand) -> dict[str, str]:
    """The brand's model mappings: unknown model id -> the model table's id whose rules apply."""
    return dict(ModelMapping.objects.filter(brand=brand).values_list("model_id", "maps_to"))


def model_mappings_for_user(*, user: AnyUser) -> QuerySet[ModelMapping]:
    """The model mappings of the brands the user belongs to."""
    return (
        ModelMapping.objects.filter(brand__in=brand_list_for_user(user=user))
        .select_related("brand")
        .order_by("brand__name", "model_id")
    )
