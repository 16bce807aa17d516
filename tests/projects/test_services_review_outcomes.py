"""Each asset's ReviewOutcome follows its decisions through the approval service, a rebuild gives
the same rows, and the per-database latency figures equal the Python definitions."""

from __future__ import annotations

import random
from typing import Any

import pytest

from brandkit.choices import MembershipRole
from projects.choices import Decision, ReviewStatus
from projects.metrics import summarize
from projects.models import ApprovalStep, Generation, Review, ReviewOutcome
from projects.selectors.latency import summaries_by
from projects.services.review_outcomes import review_outcomes_rebuild_all
from tests.factories import member
from tests.projects.review_support import (
    asset_in,
    decided,
    inline_queue,  # noqa: F401
    next_version,
    submitted,
)

# bin/test runs these on SQLite as well as PostgreSQL: the latency figures are SQL of each.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def _outcome(asset_id: int) -> ReviewOutcome:
    return ReviewOutcome.objects.get(asset_id=asset_id)


@pytest.mark.redis
def test_the_outcome_follows_every_decision_of_a_two_step_chain(
    studio: Any,
    inline_queue: Any,  # noqa: F811
) -> None:
    legal = member(studio.brand, MembershipRole.REVIEWER, username="acme-legal")
    for position, (name, group) in enumerate((("Brand review", studio.reviewer), ("Legal", legal))):
        step = ApprovalStep.objects.create(brand=studio.brand, position=position, name=name)
        step.reviewers.set([group])
    asset, one = asset_in(studio, ReviewStatus.IN_REVIEW)
    assert not ReviewOutcome.objects.filter(asset_id=asset.pk).exists()

    decided(one, user=studio.reviewer)  # round 1, step 1: the round is still open
    outcome = _outcome(asset.pk)
    assert not outcome.first_round_ended and outcome.approved_at is None
    assert outcome.first_provider == "local" and outcome.campaign_id == studio.campaign.pk

    decided(one, user=legal, decision=Decision.REQUEST_CHANGES, comment="Add the claim.")
    outcome = _outcome(asset.pk)
    assert outcome.first_round_ended and not outcome.passed_first_time
    assert outcome.rounds_to_approval is None and outcome.approval_seconds is None

    two = next_version(studio, one)
    submitted(two, user=studio.marketer)
    decided(two, user=studio.reviewer)
    final = decided(two, user=legal)
    outcome = _outcome(asset.pk)
    assert outcome.rounds_to_approval == 2 and not outcome.passed_first_time
    assert outcome.approved_at == final.decided_at == outcome.last_decided_at
    first_queued = Generation.objects.get(versions=one).queued_at
    assert outcome.approval_seconds == (final.decided_at - first_queued).total_seconds()


@pytest.mark.redis
def test_a_rebuild_gives_every_asset_the_same_outcome(
    studio: Any,
    inline_queue: Any,  # noqa: F811
) -> None:
    for status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.CHANGES_REQUESTED):
        asset_in(studio, status)
    asset_in(studio, ReviewStatus.IN_REVIEW)  # no decision: no outcome
    written = list(ReviewOutcome.objects.order_by("asset_id").values())
    assert len(written) == 3
    ReviewOutcome.objects.all().delete()
    assert review_outcomes_rebuild_all() == 3
    assert list(ReviewOutcome.objects.order_by("asset_id").values()) == written
    assert Review.objects.count() == 3


@pytest.mark.parametrize("count", [1, 2, 9, 10, 11, 200])
def test_latency_median_and_p90_equal_the_python_definitions(studio: Any, count: int) -> None:
    """The database's figures (PostgreSQL ranks them itself) against projects.metrics."""
    chance = random.Random(count)
    expected: dict[str, list[float]] = {}
    rows = []
    for index in range(count * 2):
        provider = ("ark", "fal")[index % 2]
        seconds = None if index % 5 == 4 else round(chance.uniform(5, 120), 3)
        if seconds is not None:
            expected.setdefault(provider, []).append(seconds)
        rows.append(
            Generation(
                campaign=studio.campaign,
                mode="text_to_image",
                provider=provider,
                model="seedream-4.0",
                prompt=f"latency {index}",
                payload={},
                payload_sha256=f"{index:064x}",
                status="succeeded",
                provider_seconds=seconds,
                requested_by=studio.marketer,
            )
        )
    Generation.objects.bulk_create(rows)
    generations = Generation.objects.filter(campaign=studio.campaign)
    figures = summaries_by(generations, key="provider", value="provider_seconds")
    assert figures.keys() == expected.keys()
    for provider, values in expected.items():
        python = summarize(values)
        assert python is not None
        found = figures[provider]
        assert (found.count, found.p90) == (python.count, python.p90)  # one of the values
        # The mean of the two middle values, up to the last bit of float arithmetic.
        assert found.median == pytest.approx(python.median, rel=1e-12)
