"""Reads of the API, each scoped to the brands the token's user is a member of.

Everything the API can address by id goes through one of these, so another brand's object is
simply absent (404), never forbidden (which would reveal that it exists).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from api.models import ApiToken
from brandkit.choices import MembershipRole
from brandkit.models import AuditEvent, Brand, PosterTemplate, ReferenceImage, ReferencePack
from brandkit.selectors import brand_list_for_user
from projects.models import Asset, AssetVersion, Campaign, Generation, GenerationBatch, Review

if TYPE_CHECKING:
    from brandkit.selectors import AnyUser


def api_brands(*, user: AnyUser) -> QuerySet[Brand]:
    return brand_list_for_user(user=user)


def api_reference_packs(*, user: AnyUser) -> QuerySet[ReferencePack]:
    return (
        ReferencePack.objects.filter(brand__in=api_brands(user=user))
        .select_related("brand")
        .prefetch_related(Prefetch("images", queryset=ReferenceImage.objects.order_by("position")))
    )


def api_poster_templates(*, user: AnyUser) -> QuerySet[PosterTemplate]:
    return (
        PosterTemplate.objects.filter(brand__in=api_brands(user=user))
        .select_related("brand")
        .prefetch_related("text_slots")
    )


def api_campaigns(*, user: AnyUser) -> QuerySet[Campaign]:
    return Campaign.objects.filter(brand__in=api_brands(user=user)).select_related("brand", "owner")


def api_generations(*, user: AnyUser) -> QuerySet[Generation]:
    return (
        Generation.objects.filter(campaign__brand__in=api_brands(user=user))
        .select_related("campaign")
        .prefetch_related("versions")
    )


def api_batches(*, user: AnyUser) -> QuerySet[GenerationBatch]:
    return GenerationBatch.objects.filter(campaign__brand__in=api_brands(user=user))


def api_assets(*, user: AnyUser) -> QuerySet[Asset]:
    return Asset.objects.filter(campaign__brand__in=api_brands(user=user)).select_related(
        "campaign"
    )


def api_asset_versions(*, user: AnyUser) -> QuerySet[AssetVersion]:
    return AssetVersion.objects.filter(
        asset__campaign__brand__in=api_brands(user=user)
    ).select_related("asset")


def api_reviews(*, user: AnyUser) -> QuerySet[Review]:
    return Review.objects.filter(asset__campaign__brand__in=api_brands(user=user)).select_related(
        "decided_by", "version"
    )


def api_audit_events(*, user: AnyUser) -> QuerySet[AuditEvent]:
    """Audit events of the brands the user administers (as on the web audit page)."""
    brands = brand_list_for_user(user=user, roles=[MembershipRole.ADMIN])
    return AuditEvent.objects.filter(brand__in=brands).select_related("actor", "brand")


def api_tokens(*, user: AnyUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
