"""Reads of the analytics page: how fast and how cleanly a brand's (or one campaign's) imagery
gets approved, what it costs, and how the providers behave.

A fixed number of queries whatever the data size, over a chosen period (`since`): the review
decisions of the assets decided in it, their first queue times, and the generations that finished
in it, with counts, cost and failures summed by the database (an index on the finish time keeps
the period cheap). Only the latencies themselves (one float each) and the last 30 days' rows for
the day charts come back, so every median and percentile is still exact, computed in Python by
`projects.metrics`, never approximated in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, Min, Model, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from brandkit.selectors import brand_list_for_user
from projects.metrics import (
    COUNTED_FINISHED,
    FAILED,
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
# The periods the page offers, in days; 0 is "all time". The page shows 30 days unless asked.
PERIODS: tuple[tuple[int, str], ...] = (
    (7, "7 days"),
    (30, "30 days"),
    (90, "90 days"),
    (365, "a year"),
    (0, "all time"),
)
DEFAULT_PERIOD = 30
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


def _decided_in_period(
    brand: Brand, campaign: Campaign | None, since: datetime | None
) -> QuerySet[Review]:
    """The reviews of every asset that had a decision since `since` (all their rounds, so
    rounds-to-approval and first-pass stay true for an asset that started earlier)."""
    reviews = _scoped(Review.objects.all(), "asset__campaign", brand, campaign)
    if since is None:
        return reviews
    return Review.objects.filter(asset_id__in=_decided_asset_ids(brand, campaign, since))


def _decided_asset_ids(brand: Brand, campaign: Campaign | None, since: datetime) -> QuerySet:
    """Ids of the assets with a decision since `since` (a subquery; uses the decision-time
    index)."""
    recent = Review.objects.filter(decided_at__gte=since)
    return _scoped(recent, "asset__campaign", brand, campaign).values("asset_id")


def _decision_rows(
    brand: Brand, campaign: Campaign | None, since: datetime | None
) -> list[DecisionRow]:
    generation = "version__generation__"
    rows = _decided_in_period(brand, campaign, since).values_list(
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


def _first_queued(
    brand: Brand, campaign: Campaign | None, since: datetime | None
) -> dict[int, datetime]:
    """Each asset's earliest queue time over the generations behind any of its versions (the
    assets decided in the period only)."""
    if since is None:
        versions = _scoped(AssetVersion.objects.all(), "asset__campaign", brand, campaign)
    else:
        versions = AssetVersion.objects.filter(
            asset_id__in=_decided_asset_ids(brand, campaign, since)
        )
    rows = (
        versions.values("asset_id")
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
    brand: Brand, campaign: Campaign | None, days: list[date], since: datetime | None
) -> _GenerationFigures:
    """Count and cost of the generations finished in the period, and per provider its latencies
    and failures over the period and per day of `days` (the local date each finished).

    The database sums counts and cost per provider and status; only latencies (for exact
    percentiles) and the rows of the days shown travel to Python."""
    generations = _scoped(Generation.objects.all(), "campaign", brand, campaign)
    if since is not None:
        generations = generations.filter(finished_at__gte=since)
    count, cost = 0, Decimal("0")
    tallies: dict[str, ProviderTally] = defaultdict(ProviderTally)
    for provider, status, number, status_cost in (
        generations.values("provider", "status")
        .annotate(number=Count("pk"), total=Sum("cost"))
        .values_list("provider", "status", "number", "total")
        .order_by()
    ):
        count += number
        cost += status_cost or Decimal("0")
        tally = tallies[provider]
        tally.failed += number if status == FAILED else 0
        tally.finished += number if status in COUNTED_FINISHED else 0
    for provider, seconds in generations.filter(provider_seconds__isnull=False).values_list(
        "provider", "provider_seconds"
    ):
        tallies[provider].seconds.append(seconds)
    first_day = timezone.make_aware(datetime.combine(days[0], datetime.min.time()))
    shown = set(days)
    for provider, status, seconds, finished_at in generations.filter(
        finished_at__gte=first_day
    ).values_list("provider", "status", "provider_seconds", "finished_at"):
        day = timezone.localdate(finished_at)
        if day not in shown:
            continue
        tally = tallies[provider]
        if seconds is not None:
            tally.day_seconds[day].append(seconds)
        tally.day_failed[day] += status == FAILED
        tally.day_finished[day] += status in COUNTED_FINISHED
    return _GenerationFigures(count, cost, dict(sorted(tallies.items())))


def period_start(period_days: int, now: datetime | None = None) -> datetime | None:
    """The start of the last `period_days` days (local midnight), or None for all time."""
    if not period_days:
        return None
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=period_days - 1)
    return timezone.make_aware(datetime.combine(first, datetime.min.time()))


def brand_analytics(
    *,
    brand: Brand,
    campaign: Campaign | None = None,
    now: datetime | None = None,
    period_days: int = 0,
) -> BrandAnalytics:
    """Every figure of the analytics page for the brand, or for one of its campaigns, over the
    last `period_days` days (0: all time); the day charts show the last 30 days of it."""
    today = timezone.localdate(now or timezone.now())
    shown = min(period_days, DAYS_SHOWN) if period_days else DAYS_SHOWN
    days = [today - timedelta(days=offset) for offset in range(shown - 1, -1, -1)]
    since = period_start(period_days, now)
    outcomes = asset_outcomes(_decision_rows(brand, campaign, since))
    first_queued = _first_queued(brand, campaign, since)
    generations = _generation_figures(brand, campaign, days, since)
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
