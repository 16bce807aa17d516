"""Reads of the analytics page: how fast and how cleanly a brand's (or one campaign's) imagery
gets approved, what it costs, and how the providers behave.

Three queries whatever the data size (the review decisions, the first queue time of each
asset, the generations); every median and percentile is then computed exactly in Python by
`projects.metrics`, never approximated in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Min, Model, QuerySet
from django.http import Http404
from django.utils import timezone

from brandkit.selectors import brand_list_for_user
from projects.metrics import (
    AssetOutcome,
    DayCell,
    DecisionRow,
    PassRate,
    ProviderTally,
    Source,
    Summary,
    asset_outcomes,
    distribution,
    first_pass_rates,
    summarize,
)
from projects.models import AssetVersion, Campaign, Generation, Review

if TYPE_CHECKING:
    from brandkit.models import Brand
    from brandkit.selectors import AnyUser

_M = TypeVar("_M", bound=Model)
DAYS_SHOWN = 30
NO_PACK = "No reference pack"
NO_TEMPLATE = "No template"
# Upper bounds in seconds of the time-to-approval histogram; the last bucket is open.
APPROVAL_BUCKETS: tuple[tuple[float, str], ...] = (
    (3600, "under 1 h"),
    (4 * 3600, "1–4 h"),
    (24 * 3600, "4–24 h"),
    (3 * 86400, "1–3 days"),
    (7 * 86400, "3–7 days"),
    (float("inf"), "over 7 days"),
)


@dataclass(frozen=True)
class ApprovalTimes:
    summary: Summary | None
    buckets: list[tuple[str, int]]


@dataclass(frozen=True)
class Rounds:
    distribution: list[tuple[int, int]]
    count: int
    mean: float | None


@dataclass(frozen=True)
class CostPerApproval:
    generations: int
    cost: Decimal
    approved: int

    @property
    def generations_per_asset(self) -> float | None:
        return self.generations / self.approved if self.approved else None

    @property
    def cost_per_asset(self) -> Decimal | None:
        return (self.cost / self.approved).quantize(Decimal("0.0001")) if self.approved else None


@dataclass(frozen=True)
class BrandAnalytics:
    approval_times: ApprovalTimes
    rounds: Rounds
    first_pass: dict[str, list[PassRate]]
    first_pass_assets: int
    cost: CostPerApproval
    latency: dict[str, Summary]
    failures: dict[str, tuple[int, int]]
    days: list[date]
    daily: dict[str, dict[date, DayCell]]


def analytics_brands(*, user: AnyUser) -> list[Brand]:
    """The brands whose analytics the user may see (every brand they are a member of)."""
    return list(brand_list_for_user(user=user).order_by("name"))


@dataclass(frozen=True)
class AnalyticsScope:
    """What the page covers: one brand, or one campaign of it, and what the pickers offer."""

    brand: Brand
    campaign: Campaign | None
    campaigns: list[Campaign]
    other_brands: list[Brand]


def analytics_scope_for_user(
    *, slug: str, campaign_id: int | None, user: AnyUser
) -> AnalyticsScope:
    """The brand (404 unless the user is a member), the campaign asked for (404 unless it is
    the brand's), the brand's campaigns and the user's other brands, in two queries."""
    brands = analytics_brands(user=user)
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
    return AnalyticsScope(brand, campaign, campaigns, others)


def _scoped(
    queryset: QuerySet[_M], campaign_path: str, brand: Brand, campaign: Campaign | None
) -> QuerySet[_M]:
    """Rows of the campaign when one is picked, else of every campaign of the brand."""
    if campaign is not None:
        return queryset.filter(**{campaign_path: campaign})
    return queryset.filter(**{f"{campaign_path}__brand": brand})


def _label(name: str | None, version: int | None, empty: str) -> str:
    return f"{name} v{version}" if name else empty


def _decision_rows(brand: Brand, campaign: Campaign | None) -> list[DecisionRow]:
    generation = "version__generation__"
    rows = _scoped(Review.objects.all(), "asset__campaign", brand, campaign).values_list(
        "asset_id",
        "round",
        "step_position",
        "decision",
        "decided_at",
        "asset__review_status",
        "asset__review_round",
        f"{generation}reference_pack__name",
        f"{generation}reference_pack__version",
        f"{generation}poster_template__name",
        f"{generation}poster_template__version",
        f"{generation}provider",
    )
    return [
        DecisionRow(
            asset_id=asset_id,
            round=number,
            step_position=step,
            decision=decision,
            decided_at=decided_at,
            asset_status=status,
            asset_round=asset_round,
            source=Source(
                pack=_label(pack, pack_version, NO_PACK),
                template=_label(template, template_version, NO_TEMPLATE),
                provider=provider,
            ),
        )
        for (
            asset_id,
            number,
            step,
            decision,
            decided_at,
            status,
            asset_round,
            pack,
            pack_version,
            template,
            template_version,
            provider,
        ) in rows
    ]


def _first_queued(brand: Brand, campaign: Campaign | None) -> dict[int, datetime]:
    """Each asset's earliest queue time over the generations behind any of its versions."""
    rows = (
        _scoped(AssetVersion.objects.all(), "asset__campaign", brand, campaign)
        .values("asset_id")
        .annotate(first=Min("generation__queued_at"))
        .values_list("asset_id", "first")
    )
    return {asset_id: first for asset_id, first in rows if first is not None}


def _approval_times(
    outcomes: list[AssetOutcome], first_queued: dict[int, datetime]
) -> ApprovalTimes:
    seconds = [
        (outcome.approved_at - first_queued[outcome.asset_id]).total_seconds()
        for outcome in outcomes
        if outcome.approved_at is not None and outcome.asset_id in first_queued
    ]
    counts = [0] * len(APPROVAL_BUCKETS)
    for value in seconds:
        counts[next(i for i, (bound, _) in enumerate(APPROVAL_BUCKETS) if value < bound)] += 1
    buckets = [(label, count) for (_, label), count in zip(APPROVAL_BUCKETS, counts, strict=True)]
    return ApprovalTimes(summarize(seconds), buckets if seconds else [])


def _rounds(outcomes: list[AssetOutcome]) -> Rounds:
    values = [o.rounds_to_approval for o in outcomes if o.rounds_to_approval is not None]
    return Rounds(distribution(values), len(values), sum(values) / len(values) if values else None)


@dataclass(frozen=True)
class _GenerationFigures:
    count: int
    cost: Decimal
    tallies: dict[str, ProviderTally]


def _generation_figures(
    brand: Brand, campaign: Campaign | None, days: list[date]
) -> _GenerationFigures:
    """Count and cost of every generation, and per provider its latencies and failures overall
    and per day of `days` (the local date the generation finished)."""
    rows = _scoped(Generation.objects.all(), "campaign", brand, campaign).values_list(
        "provider", "status", "cost", "provider_seconds", "finished_at"
    )
    count, cost = 0, Decimal("0")
    tallies: dict[str, ProviderTally] = defaultdict(ProviderTally)
    shown = set(days)
    for provider, status, row_cost, provider_seconds, finished_at in rows:
        count += 1
        cost += row_cost
        day = timezone.localdate(finished_at) if finished_at else None
        tallies[provider].add(status, provider_seconds, day if day in shown else None)
    return _GenerationFigures(count, cost, dict(sorted(tallies.items())))


def brand_analytics(
    *, brand: Brand, campaign: Campaign | None = None, now: datetime | None = None
) -> BrandAnalytics:
    """Every figure of the analytics page for the brand, or for one of its campaigns."""
    today = timezone.localdate(now or timezone.now())
    days = [today - timedelta(days=offset) for offset in range(DAYS_SHOWN - 1, -1, -1)]
    outcomes = asset_outcomes(_decision_rows(brand, campaign))
    first_queued = _first_queued(brand, campaign)
    generations = _generation_figures(brand, campaign, days)
    approved = sum(outcome.approved_at is not None for outcome in outcomes)
    tallies = generations.tallies
    return BrandAnalytics(
        approval_times=_approval_times(outcomes, first_queued),
        rounds=_rounds(outcomes),
        first_pass={
            attribute: first_pass_rates(outcomes, attribute)
            for attribute in ("pack", "template", "provider")
        },
        first_pass_assets=sum(outcome.first_round_ended for outcome in outcomes),
        cost=CostPerApproval(generations.count, generations.cost, approved),
        latency={name: s for name, t in tallies.items() if (s := summarize(t.seconds))},
        failures={name: (t.failed, t.finished) for name, t in tallies.items() if t.finished},
        days=days,
        daily={name: t.by_day(days) for name, t in tallies.items()},
    )
