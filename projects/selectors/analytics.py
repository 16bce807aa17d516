"""Reads of the analytics page: how fast and how cleanly a brand's (or one campaign's) imagery
gets approved, what it costs, and how the providers behave.

A fixed number of queries whatever the data size, over a chosen period (`since`), each reading
summaries rather than history:
- review figures come from ReviewOutcome, one row per asset decided in the period that the
  approval service keeps (`projects.services.review_outcomes`); the database groups them by first
  source and outcome, and only the approval waits (one float per approved asset) come back;
- generation counts, cost and failures are summed by the database per provider and status, read
  from the covering finish-time index; latency medians and p90s come from
  `projects.selectors.latency` (ranked by PostgreSQL itself);
- only the last 30 days' generation rows come back, for the day charts.
Every median and percentile is exact, with the definitions of `projects.metrics`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils import timezone

from projects.metrics import (
    COUNTED_FINISHED,
    FAILED,
    DayCell,
    PassRate,
    ProviderTally,
    Summary,
    distribution_of_counts,
    pass_rates,
    summarize,
)
from projects.models import Campaign, Generation, ReviewOutcome
from projects.selectors.latency import (
    summaries_by,
    summaries_from,
    summaries_ranked_by_database,
    summary_aggregates,
)

if TYPE_CHECKING:
    from brandkit.models import Brand

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
) -> QuerySet[ReviewOutcome]:
    """The review outcomes of the assets with a decision since `since` (each over all its
    rounds, so rounds-to-approval and first-pass stay true for an asset that started earlier)."""
    outcomes = _scoped(ReviewOutcome.objects.all(), "campaign", brand, campaign).order_by()
    if since is None:
        return outcomes
    return outcomes.filter(last_decided_at__gte=since)


@dataclass(frozen=True)
class _OutcomeFigures:
    first_pass: dict[str, list[PassRate]]
    first_pass_assets: int
    rounds: Rounds
    approved: int


def _outcome_figures(outcomes: QuerySet[ReviewOutcome]) -> _OutcomeFigures:
    """First-pass tables, the rounds histogram and the approved count, from the outcomes
    counted by the database per first source and outcome (a few dozen rows at most)."""
    groups = (
        outcomes.values_list(
            "first_reference_pack__name",
            "first_reference_pack__version",
            "first_poster_template__name",
            "first_poster_template__version",
            "first_provider",
            "first_round_ended",
            "passed_first_time",
            "rounds_to_approval",
        )
        .annotate(assets=Count("pk"))
        .order_by()
    )
    attributes = ("pack", "template", "provider")
    passed: dict[str, dict[str, int]] = {key: defaultdict(int) for key in attributes}
    decided: dict[str, dict[str, int]] = {key: defaultdict(int) for key in attributes}
    rounds: dict[int, int] = defaultdict(int)
    for pack, pack_v, template, template_v, provider, ended, first_time, number, assets in groups:
        if number is not None:
            rounds[number] += assets
        if not ended:
            continue
        labels = (
            _label(pack, pack_v, NO_PACK),
            _label(template, template_v, NO_TEMPLATE),
            provider,
        )
        for attribute, label in zip(attributes, labels, strict=True):
            decided[attribute][label] += assets
            passed[attribute][label] += assets if first_time else 0
    approved = sum(rounds.values())
    mean = sum(number * count for number, count in rounds.items()) / approved if approved else None
    return _OutcomeFigures(
        first_pass={key: pass_rates(passed[key], decided[key]) for key in attributes},
        first_pass_assets=sum(decided["provider"].values()),
        rounds=Rounds(distribution_of_counts(rounds), approved, mean),
        approved=approved,
    )


def _approval_times(outcomes: QuerySet[ReviewOutcome]) -> ApprovalTimes:
    """Median, p90 and histogram of the seconds from each approved asset's first queued
    generation to its approval (one float per approved asset comes back)."""
    seconds = list(
        outcomes.filter(approval_seconds__isnull=False).values_list("approval_seconds", flat=True)
    )
    counts = [0] * len(APPROVAL_BUCKETS)
    for value in seconds:
        counts[next(i for i, (bound, _) in enumerate(APPROVAL_BUCKETS) if value < bound)] += 1
    buckets = [(label, count) for (_, label), count in zip(APPROVAL_BUCKETS, counts, strict=True)]
    return ApprovalTimes(summarize(seconds), buckets if seconds else [])


@dataclass(frozen=True)
class _GenerationFigures:
    count: int
    cost: Decimal
    latency: dict[str, Summary]
    tallies: dict[str, ProviderTally]


def _generation_figures(
    brand: Brand, campaign: Campaign | None, days: list[date], since: datetime | None
) -> _GenerationFigures:
    """Count and cost of the generations finished in the period, and per provider its latencies
    and failures over the period and per day of `days` (the local date each finished).

    The database sums counts and cost per provider (and ranks latencies on PostgreSQL); the
    rows of the days shown travel to Python, and on SQLite the latencies."""
    # No ordering: a sort would read every row instead of the covering finish-time index.
    generations = _scoped(Generation.objects.all(), "campaign", brand, campaign).order_by()
    if since is not None:
        generations = generations.filter(finished_at__gte=since)
    count, cost = 0, Decimal("0")
    tallies: dict[str, ProviderTally] = defaultdict(ProviderTally)
    # One pass over the period: per provider, how many, how many failed or finished, the cost,
    # and where the database can rank (PostgreSQL) the latency median and p90 too.
    per_provider = list(
        generations.values("provider").annotate(
            number=Count("pk"),
            failed=Count("pk", filter=Q(status=FAILED)),
            finished=Count("pk", filter=Q(status__in=COUNTED_FINISHED)),
            total=Sum("cost"),
            **summary_aggregates("provider_seconds"),
        )
    )
    for row in per_provider:
        count += row["number"]
        cost += row["total"] or Decimal("0")
        tally = tallies[row["provider"]]
        tally.failed, tally.finished = row["failed"], row["finished"]
    if summaries_ranked_by_database():
        latency = summaries_from(per_provider, key="provider")
    else:
        latency = summaries_by(generations, key="provider", value="provider_seconds")
    # Each shown day's local midnight, and the next one after the last: a row's day is found by
    # bisecting its finish time into these (a time-zone conversion per row costs more).
    starts = [_local_midnight(day) for day in [*days, days[-1] + timedelta(days=1)]]
    for provider, status, seconds, finished_at in generations.filter(
        finished_at__gte=starts[0]
    ).values_list("provider", "status", "provider_seconds", "finished_at"):
        index = bisect_right(starts, finished_at) - 1
        if not 0 <= index < len(days):
            continue
        day = days[index]
        tally = tallies[provider]
        if seconds is not None:
            tally.day_seconds[day].append(seconds)
        tally.day_failed[day] += status == FAILED
        tally.day_finished[day] += status in COUNTED_FINISHED
    return _GenerationFigures(
        count, cost, dict(sorted(latency.items())), dict(sorted(tallies.items()))
    )


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def period_start(period_days: int, now: datetime | None = None) -> datetime | None:
    """The start of the last `period_days` days (local midnight), or None for all time."""
    if not period_days:
        return None
    today = timezone.localdate(now or timezone.now())
    return _local_midnight(today - timedelta(days=period_days - 1))


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
    decided = _decided_in_period(brand, campaign, since)
    outcomes = _outcome_figures(decided)
    generations = _generation_figures(brand, campaign, days, since)
    tallies = generations.tallies
    return BrandAnalytics(
        approval_times=_approval_times(decided),
        rounds=outcomes.rounds,
        first_pass=outcomes.first_pass,
        first_pass_assets=outcomes.first_pass_assets,
        cost=CostPerApproval(generations.count, generations.cost, outcomes.approved),
        latency=generations.latency,
        failures={name: (t.failed, t.finished) for name, t in tallies.items() if t.finished},
        days=days,
        daily={name: t.by_day(days) for name, t in tallies.items()},
    )
