"""Analytics figures, exactly: percentile maths, review outcomes, and the brand_analytics selector
on a constructed history with known timestamps."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from projects.choices import GenerationStatus
from projects.metrics import (
    DecisionRow,
    asset_outcomes,
    distribution_of_counts,
    median,
    percentile,
    summarize,
)
from projects.models import Generation
from projects.selectors import brand_analytics
from projects.services.campaigns import campaign_create
from tests.projects.analytics_support import bulk_history, pin, reviewed_history
from tests.projects.review_support import inline_queue  # noqa: F401

S = GenerationStatus
# bin/test runs these on SQLite as well as PostgreSQL: latency percentiles are SQL of each.
pytestmark = pytest.mark.both_databases

# Pure maths -----------------------------------------------------------------------------------


def test_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([7.0]) == 7.0
    assert median([]) is None


def test_p90_is_the_nearest_rank_never_an_interpolation() -> None:
    assert percentile(list(range(1, 11)), 0.9) == 9.0  # rank ceil(9.0) = 9
    assert percentile(list(range(1, 12)), 0.9) == 10.0  # rank ceil(9.9) = 10
    assert percentile([5.0, 1.0], 0.9) == 5.0  # rank ceil(1.8) = 2
    assert percentile([42.0], 0.9) == 42.0
    assert percentile([], 0.9) is None
    assert summarize([]) is None
    summary = summarize([10.0, 1.0, 3.0, 2.0])
    assert summary is not None
    assert (summary.count, summary.median, summary.p90) == (4, 2.5, 10.0)


def test_distribution_fills_gaps_with_zero() -> None:
    assert distribution_of_counts({1: 2, 3: 1}) == [(1, 2), (2, 0), (3, 1)]
    assert distribution_of_counts({}) == []


def _row(
    asset: int, number: int, step: int, decision: str, minute: int, **state: Any
) -> DecisionRow:
    start = timezone.now()
    return DecisionRow(
        asset_id=asset,
        round=number,
        step_position=step,
        decision=decision,
        decided_at=start + timedelta(minutes=minute),
        asset_status=state.get("status", "approved"),
        asset_round=state.get("round", number),
        source=("local", 1, 1),
    )


def test_a_step_approval_alone_is_not_an_approval_while_the_round_is_open() -> None:
    """Two-step chain: "Brand review" approved, "Legal" still to decide."""
    [open_round] = asset_outcomes([_row(1, 1, 0, "approve", 0, status="in_review")])
    assert open_round.approved_at is None
    assert not open_round.first_round_ended
    rows = [_row(2, 1, 0, "approve", 0), _row(2, 1, 1, "approve", 5)]
    [approved] = asset_outcomes(rows)
    assert approved.approved_at == rows[1].decided_at
    assert approved.passed_first_time and approved.rounds_to_approval == 1


def test_changes_requested_at_the_second_step_fails_the_first_pass() -> None:
    rows = [
        _row(1, 1, 0, "approve", 0, round=2),
        _row(1, 1, 1, "request_changes", 5, round=2),
        _row(1, 2, 0, "approve", 60, round=2),
        _row(1, 2, 1, "approve", 65, round=2),
    ]
    [outcome] = asset_outcomes(rows)
    assert outcome.first_round_ended and not outcome.passed_first_time
    assert outcome.rounds_to_approval == 2
    assert outcome.approved_at == rows[3].decided_at


# The selector on a real history ---------------------------------------------------------------


@pytest.fixture
def history(studio: Any, inline_queue: Any) -> Any:  # noqa: F811
    return reviewed_history(studio, start=timezone.now() - timedelta(days=3))


@pytest.mark.redis
def test_time_to_approval_median_and_p90_are_exact(studio: Any, history: Any) -> None:
    analytics = brand_analytics(brand=studio.brand)
    # A: 2 h; B: 1 d 4 h from its first generation (not from v2's); E: 30 min.
    summary = analytics.approval_times.summary
    assert summary is not None
    assert (summary.count, summary.median, summary.p90) == (3, 7200.0, 100800.0)
    assert dict(analytics.approval_times.buckets) == {
        "under 1 h": 1,
        "1–4 h": 1,
        "4–24 h": 0,
        "1–3 days": 1,
        "3–7 days": 0,
        "over 7 days": 0,
    }


@pytest.mark.redis
def test_review_rounds_count_up_to_the_first_approval(studio: Any, history: Any) -> None:
    rounds = brand_analytics(brand=studio.brand).rounds
    assert rounds.distribution == [(1, 2), (2, 1)]
    assert rounds.count == 3
    assert rounds.mean == pytest.approx(4 / 3)


@pytest.mark.redis
def test_first_pass_rate_per_pack_template_and_provider(studio: Any, history: Any) -> None:
    analytics = brand_analytics(brand=studio.brand)
    table = {
        key: {rate.label: (rate.passed, rate.decided) for rate in rates}
        for key, rates in analytics.first_pass.items()
    }
    # A, E passed; B (changes requested) and C (rejected) did not; D is still in round 1.
    assert analytics.first_pass_assets == 4
    assert table["pack"] == {"Product shots v1": (2, 3), "No reference pack": (0, 1)}
    assert table["template"] == {"Launch poster v1": (2, 2), "No template": (0, 2)}
    assert table["provider"] == {"ark": (1, 1), "local": (1, 3)}


@pytest.mark.redis
def test_generations_and_cost_per_approved_asset(studio: Any, history: Any) -> None:
    Generation.objects.filter(campaign=studio.campaign).update(cost=Decimal("0.0300"))
    cost = brand_analytics(brand=studio.brand).cost
    assert (cost.generations, cost.cost, cost.approved) == (6, Decimal("0.1800"), 3)
    assert cost.generations_per_asset == 2.0
    assert cost.cost_per_asset == Decimal("0.0600")


@pytest.mark.redis
def test_provider_latency_and_failure_rate_per_day(studio: Any, history: Any) -> None:
    now = timezone.now()
    today, yesterday = now.replace(hour=12), now.replace(hour=12) - timedelta(days=1)
    for version, seconds, when in (
        (history.b1, 1.0, yesterday),
        (history.c1, 2.0, today),
        (history.d1, 3.0, today),
        (history.e1, 10.0, today),
        (history.a1, 5.0, today),
    ):
        pin(version, provider_seconds=seconds, finished_at=when)
    pin(history.b2, provider_seconds=None, status=S.FAILED, finished_at=today)
    analytics = brand_analytics(brand=studio.brand, now=now)
    local = analytics.latency["local"]
    assert (local.count, local.median, local.p90) == (4, 2.5, 10.0)
    assert analytics.latency["ark"].median == 5.0
    assert analytics.failures == {"ark": (0, 1), "local": (1, 5)}
    day = timezone.localdate(now)
    cell = analytics.daily["local"][day]
    assert cell.latency is not None
    # Today, local: c1 2 s, d1 3 s, e1 10 s, and b2 failed without a response.
    assert (cell.latency.median, cell.latency.p90, cell.failed, cell.finished) == (3.0, 10.0, 1, 4)
    assert cell.failure_rate == 0.25
    earlier = analytics.daily["local"][day - timedelta(days=1)]
    assert (earlier.failed, earlier.finished, earlier.failure_rate) == (0, 1, 0.0)
    assert analytics.daily["local"][day - timedelta(days=2)].failure_rate is None
    assert len(analytics.days) == 30 and analytics.days[-1] == day


@pytest.mark.redis
def test_campaign_scope_leaves_other_campaigns_out(studio: Any, history: Any) -> None:
    other = campaign_create(
        brand=studio.brand, owner=studio.marketer, name="Autumn", budget=Decimal("1.00")
    )
    analytics = brand_analytics(brand=studio.brand, campaign=other)
    assert analytics.approval_times.summary is None
    assert analytics.cost.generations == 0
    assert brand_analytics(brand=studio.brand, campaign=studio.campaign).cost.generations == 6


def test_no_data_gives_no_figures_not_zeros(studio: Any) -> None:
    analytics = brand_analytics(brand=studio.brand)
    assert analytics.approval_times.summary is None
    assert analytics.approval_times.buckets == []
    assert analytics.rounds.mean is None and analytics.rounds.distribution == []
    assert all(rates == [] for rates in analytics.first_pass.values())
    assert analytics.first_pass_assets == 0
    assert analytics.cost.generations_per_asset is None
    assert analytics.cost.cost_per_asset is None
    assert analytics.latency == {} and analytics.failures == {} and analytics.daily == {}


@pytest.mark.parametrize("count", [5, 200])
def test_brand_analytics_takes_a_fixed_number_of_queries_whatever_the_size(
    studio: Any, count: int, django_assert_num_queries: Any
) -> None:
    """Outcome groups, approval waits, per-provider totals, day rows; and on SQLite the
    latencies (PostgreSQL ranks them within the totals query)."""
    from django.db import connection

    queries = 4 if connection.vendor == "postgresql" else 5
    bulk_history(studio, count)
    with django_assert_num_queries(queries):
        analytics = brand_analytics(brand=studio.brand)
    assert analytics.cost.generations == count
    assert analytics.rounds.count == (count + 1) // 2
    with django_assert_num_queries(queries):
        brand_analytics(brand=studio.brand, period_days=30)


def test_a_period_counts_only_what_finished_or_was_decided_in_it(studio: Any) -> None:
    bulk_history(studio, 20)
    everything = brand_analytics(brand=studio.brand)
    old = timezone.now() - timedelta(days=100)
    Generation.objects.filter(
        campaign__brand=studio.brand,
        pk__in=Generation.objects.filter(campaign__brand=studio.brand)
        .order_by("pk")
        .values("pk")[:5],
    ).update(finished_at=old)
    recent = brand_analytics(brand=studio.brand, period_days=30)
    assert recent.cost.generations == everything.cost.generations - 5
    assert recent.cost.cost < everything.cost.cost or everything.cost.cost == 0
    assert brand_analytics(brand=studio.brand, period_days=0).cost.generations == (
        everything.cost.generations
    )
