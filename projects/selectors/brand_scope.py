"""What a brand-wide page covers (analytics, the library): one brand the user is a member of,
or one campaign of it, and what the page's brand and campaign pickers offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from brandkit.selectors import brand_list_for_user
from projects.models import Campaign

if TYPE_CHECKING:
    from brandkit.models import Brand
    from brandkit.selectors import AnyUser


def member_brands(*, user: AnyUser) -> list[Brand]:
    """Every brand the user is a member of, by name."""
    return list(brand_list_for_user(user=user).order_by("name"))


@dataclass(frozen=True)
class BrandScope:
    brand: Brand
    campaign: Campaign | None
    campaigns: list[Campaign]
    other_brands: list[Brand]


def brand_scope_for_user(*, slug: str, campaign_id: int | None, user: AnyUser) -> BrandScope:
    """The brand (404 unless the user is a member), the campaign asked for (404 unless it is
    the brand's), the brand's campaigns and the user's other brands, in two queries."""
    brands = member_brands(user=user)
    brand = next((b for b in brands if b.slug == slug), None)
    if brand is None:
        raise Http404("No such brand.")
    campaigns = list(Campaign.objects.filter(brand=brand).order_by("name"))
    campaign = None
    if campaign_id is not None:
        campaign = next((c for c in campaigns if c.pk == campaign_id), None)
        if campaign is None:
            raise Http404("No such campaign in this brand.")
    others = [b for b in brands if b.pk != brand.pk]
    return BrandScope(brand, campaign, campaigns, others)
