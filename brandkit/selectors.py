"""Reads of the brand library, scoped to what a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from brandkit.choices import MembershipRole, VersionStatus
from brandkit.models import Brand, Membership, PosterTemplate, ReferenceImage, ReferencePack

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


def published_reference_packs(*, brand: Brand) -> QuerySet[ReferencePack]:
    return ReferencePack.objects.filter(brand=brand, status=VersionStatus.PUBLISHED)
