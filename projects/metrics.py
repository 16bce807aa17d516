"""Pure figures of the analytics pages: exact medians and percentiles, and what a review history
says about an asset. No queries and no I/O: the selectors fetch plain rows, these functions count.

Definitions (the analytics page states each one in words):

- median: the middle value, or the mean of the two middle values when the count is even.
- p90: nearest rank, the smallest value that at least 90% of the values are at or below.
- A review round *ends* with its decisive decision: a request for changes or a rejection at any
  step, or an approval at the brand's last step. The approval services never start a new round
  before the previous one ended, so every round but the asset's current one has ended, and the
  current one has ended unless the asset is in review.
- An asset *passes first time* when its first round ended in approval: approved at every step,
  with no changes requested and no rejection.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from projects.choices import Decision, GenerationStatus, ReviewStatus

APPROVE = Decision.APPROVE
IN_REVIEW = ReviewStatus.IN_REVIEW
FAILED = GenerationStatus.FAILED
# Partially succeeded generations delivered something, so they count as finished, not failed;
# canceled ones say nothing about the provider and are left out.
COUNTED_FINISHED = frozenset({GenerationStatus.SUCCEEDED, GenerationStatus.PARTIAL, FAILED})


def median(values: Sequence[float]) -> float | None:
    """The exact median, or None for no values."""
    ordered = sorted(values)
    count = len(ordered)
    if not count:
        return None
    middle = count // 2
    if count % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or
    below it. Always one of the values, never an interpolation; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


@dataclass(frozen=True)
class Summary:
    """Count, median and p90 of one set of measurements."""

    count: int
    median: float
    p90: float


def summarize(values: Sequence[float]) -> Summary | None:
    """Median and p90 of `values`; None when there are none, so nothing is ever made up."""
    if not values:
        return None
    return Summary(len(values), median(values) or 0.0, percentile(values, 0.9) or 0.0)


@dataclass(frozen=True)
class DecisionRow:
    """One review decision, with the state of its asset now and the source of the version judged."""

    asset_id: int
    round: int
    step_position: int
    decision: str
    decided_at: datetime
    asset_status: str
    asset_round: int
    source: Hashable


@dataclass(frozen=True)
class AssetOutcome:
    """What an asset's review history says: how its first round ended, and its first approval."""

    asset_id: int
    first_source: Hashable
    first_round_ended: bool
    passed_first_time: bool
    approved_at: datetime | None
    rounds_to_approval: int | None


def _round_ended(row: DecisionRow) -> bool:
    return row.round < row.asset_round or row.asset_status != IN_REVIEW


def asset_outcomes(decisions: Iterable[DecisionRow]) -> list[AssetOutcome]:
    """One outcome per asset that has at least one decision, ordered by asset id."""
    by_asset: dict[int, dict[int, list[DecisionRow]]] = defaultdict(lambda: defaultdict(list))
    for row in decisions:
        by_asset[row.asset_id][row.round].append(row)
    outcomes = []
    for asset_id in sorted(by_asset):
        rounds = by_asset[asset_id]
        ended: dict[int, bool] = {}
        approved_round: int | None = None
        approved_at: datetime | None = None
        for number in sorted(rounds):
            last = max(rounds[number], key=lambda row: (row.decided_at, row.step_position))
            ended[number] = _round_ended(last)
            if ended[number] and last.decision == APPROVE and approved_round is None:
                approved_round, approved_at = number, last.decided_at
        # Only a history that starts at round 1 says anything about the first pass.
        first_ended = 1 in rounds and ended[1]
        outcomes.append(
            AssetOutcome(
                asset_id=asset_id,
                first_source=rounds[min(rounds)][0].source,
                first_round_ended=first_ended,
                passed_first_time=first_ended and approved_round == 1,
                approved_at=approved_at,
                rounds_to_approval=approved_round,
            )
        )
    return outcomes


@dataclass(frozen=True)
class PassRate:
    """First-pass approvals of the assets attributed to one pack, template or provider."""

    label: str
    passed: int
    decided: int

    @property
    def rate(self) -> float:
        return self.passed / self.decided


def pass_rates(passed: dict[str, int], decided: dict[str, int]) -> list[PassRate]:
    """One PassRate per label with assets decided; best rate first, then most assets, then
    label."""
    rates = [PassRate(label, passed.get(label, 0), decided[label]) for label in decided]
    return sorted(rates, key=lambda rate: (-rate.rate, -rate.decided, rate.label))


def distribution_of_counts(counts: dict[int, int]) -> list[tuple[int, int]]:
    """(value, how many) for every value from the smallest to the largest counted ({value: how
    many}), zeros included, so a histogram has no silent gaps."""
    if not counts:
        return []
    return [(value, counts.get(value, 0)) for value in range(min(counts), max(counts) + 1)]


@dataclass(frozen=True)
class DayCell:
    """One provider on one day: latency of the generations it finished and how many failed."""

    latency: Summary | None
    failed: int
    finished: int

    @property
    def failure_rate(self) -> float | None:
        return self.failed / self.finished if self.finished else None


@dataclass
class ProviderTally:
    """Running totals of one provider while the generation rows stream past: failures over the
    period, and latencies and failures per day shown."""

    failed: int = 0
    finished: int = 0
    day_seconds: dict[date, list[float]] = field(default_factory=lambda: defaultdict(list))
    day_failed: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    day_finished: dict[date, int] = field(default_factory=lambda: defaultdict(int))

    def by_day(self, days: list[date]) -> dict[date, DayCell]:
        return {
            day: DayCell(
                summarize(self.day_seconds.get(day, [])),
                self.day_failed.get(day, 0),
                self.day_finished.get(day, 0),
            )
            for day in days
        }
