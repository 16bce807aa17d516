"""Reads of the home page: the user's campaigns with their budgets, recent generations in their
brands, and this month's spend per brand. Each is one or two queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Sum, Value, When
from django.utils import timezone

from brandkit.selectors import brand_list_for_user
from projects.choices import (
    GENERATION_ACTIVE,
    GENERATION_FINISHED,
    CampaignStatus,
    Decision,
    ReviewStatus,
)
from projects.models import Asset, Campaign, Generation, Review
from projects.selectors.campaigns import Spend

if TYPE_CHECKING:
    from brandkit.models import Brand
    from brandkit.selectors import AnyUser

DASHBOARD_CAMPAIGNS = 8
DASHBOARD_GENERATIONS = 10
DASHBOARD_CHANGES = 8


@dataclass(frozen=True)
class CampaignCard:
    campaign: Campaign
    spend: Spend
    is_mine: bool


@dataclass(frozen=True)
class DashboardCampaigns:
    cards: list[CampaignCard]
    total: int


def dashboard_campaigns(*, user: AnyUser, limit: int = DASHBOARD_CAMPAIGNS) -> DashboardCampaigns:
    """Open (draft or active) campaigns of the user's brands, the ones they own first, each with
    its spend; and how many there are in all. Three queries: the shown campaigns, the spend of
    those only (one pass over their generations), and a plain count (not the spend aggregate
    over every open campaign again, which is what made the page slow at scale).

    A campaign the user owns in a brand they have left is not shown: its page would answer 404.
    """
    open_campaigns = Campaign.objects.filter(
        brand__in=brand_list_for_user(user=user),
        status__in=[CampaignStatus.ACTIVE, CampaignStatus.DRAFT],
    )
    shown = list(
        open_campaigns.select_related("brand", "owner")
        .annotate(
            is_mine=Case(
                When(owner_id=user.pk, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-is_mine", "-created_at", "-pk")[:limit]
    )
    # Same rule as campaign_spend: finished work has its real cost, active work reserves its
    # estimate.
    totals = (
        Generation.objects.filter(campaign_id__in=[campaign.pk for campaign in shown])
        .values("campaign_id")
        .annotate(
            spent=Sum("cost", filter=~Q(status__in=GENERATION_ACTIVE)),
            reserved=Sum("estimated_cost", filter=Q(status__in=GENERATION_ACTIVE)),
        )
        .order_by()
    )
    spend = {row["campaign_id"]: row for row in totals} if shown else {}
    cards = [
        CampaignCard(
            campaign=campaign,
            spend=Spend(
                spent=spend.get(campaign.pk, {}).get("spent") or Decimal("0"),
                reserved=spend.get(campaign.pk, {}).get("reserved") or Decimal("0"),
                budget=campaign.budget,
            ),
            is_mine=bool(campaign.is_mine),
        )
        for campaign in shown
    ]
    return DashboardCampaigns(cards=cards, total=open_campaigns.count())


def recent_generations(*, user: AnyUser, limit: int = DASHBOARD_GENERATIONS) -> list[Generation]:
    """The newest generations of the user's brands, with their campaign and outputs (2 queries).

    The newest ids are picked in a subquery that reads only the campaign/time index, so the
    database sorts ids rather than whole rows of every generation of the brands."""
    newest = (
        Generation.objects.filter(campaign__brand__in=brand_list_for_user(user=user))
        .order_by("-created_at", "-pk")
        .values("pk")[:limit]
    )
    return list(
        Generation.objects.filter(pk__in=newest)
        .select_related("campaign__brand")
        .prefetch_related("versions")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class BrandMonthSpend:
    brand: Brand
    spent: Decimal
    generations: int


@dataclass(frozen=True)
class MonthSpend:
    month: datetime
    brands: list[BrandMonthSpend]

    @property
    def total(self) -> Decimal:
        return sum((row.spent for row in self.brands), Decimal("0"))


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start of the calendar month of `now` and of the next, in the site's time zone."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(now, zone)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    # zoneinfo picks the offset valid at that wall time, so the bounds are right across DST.
    return datetime(local.year, local.month, 1, tzinfo=zone), datetime(year, month, 1, tzinfo=zone)


def month_spend_by_brand(*, user: AnyUser, now: datetime | None = None) -> MonthSpend:
    """Per brand of the user: the cost of its generations that finished this calendar month
    (every finished status, since a failed call can still be billed), in two queries."""
    start, end = month_bounds(now or timezone.now())
    brands = list(brand_list_for_user(user=user).order_by("name"))
    totals = {
        row["campaign__brand_id"]: row
        for row in Generation.objects.filter(
            campaign__brand__in=brand_list_for_user(user=user),
            status__in=GENERATION_FINISHED,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .values("campaign__brand_id")
        .annotate(spent=Sum("cost"), count=Count("id"))
        .order_by()
    }
    rows = [
        BrandMonthSpend(
            brand=brand,
            spent=totals.get(brand.pk, {}).get("spent") or Decimal("0"),
            generations=totals.get(brand.pk, {}).get("count", 0),
        )
        for brand in brands
    ]
    return MonthSpend(month=start, brands=rows)


def changes_requested_for(*, user: AnyUser, limit: int = DASHBOARD_CHANGES) -> list[Asset]:
    """Assets the user made or submitted that a reviewer sent back, newest decision first, each
    with `last_request` (the review asking for changes: its comment, step and round)."""
    if not user.is_authenticated:
        return []
    requests = Review.objects.filter(decision=Decision.REQUEST_CHANGES).select_related("decided_by")
    assets = (
        Asset.objects.filter(
            Q(created_by=user) | Q(submitted_by=user),
            review_status=ReviewStatus.CHANGES_REQUESTED,
            campaign__brand__in=brand_list_for_user(user=user),
        )
        .select_related("campaign", "submitted_version")
        .prefetch_related(
            Prefetch(
                "reviews", queryset=requests.order_by("-decided_at"), to_attr="change_requests"
            )
        )
        .order_by("-updated_at")[:limit]
    )
    found = []
    for asset in assets:
        asset.last_request = asset.change_requests[0] if asset.change_requests else None
        found.append(asset)
    return found
