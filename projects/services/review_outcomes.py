"""Keeping each asset's ReviewOutcome true: rebuilt from its reviews after every decision.

The analytics page reads these rows (one per decided asset) instead of every decision, so a year
of a busy brand stays a few small grouped queries. The definitions are those of
`projects.metrics.asset_outcomes`, applied here to one asset's few decisions at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Min

from projects.metrics import AssetOutcome, DecisionRow, asset_outcomes
from projects.models import AssetVersion, Review, ReviewOutcome

# Assets rebuilt per round of queries when many are rebuilt at once (a backfill, a bulk load).
CHUNK = 500
_UPDATED_FIELDS = [
    "campaign",
    "first_provider",
    "first_reference_pack",
    "first_poster_template",
    "first_round_ended",
    "passed_first_time",
    "rounds_to_approval",
    "approved_at",
    "approval_seconds",
    "last_decided_at",
]


def review_outcomes_refresh(*, asset_ids: Iterable[int]) -> int:
    """Rebuild the outcome of every asset in `asset_ids` that has a decision (3 queries per
    chunk of CHUNK assets); return how many were written."""
    written = 0
    ordered = sorted(set(asset_ids))
    for start in range(0, len(ordered), CHUNK):
        outcomes = _outcome_rows(ordered[start : start + CHUNK])
        ReviewOutcome.objects.bulk_create(
            outcomes,
            update_conflicts=True,
            unique_fields=["asset"],
            update_fields=_UPDATED_FIELDS,
        )
        written += len(outcomes)
    return written


def review_outcomes_rebuild_all() -> int:
    """Rebuild every asset's outcome (after a bulk load, or for installs that predate them)."""
    return review_outcomes_refresh(
        asset_ids=Review.objects.order_by().values_list("asset_id", flat=True).distinct()
    )


def _outcome_rows(asset_ids: list[int]) -> list[ReviewOutcome]:
    rows = list(
        Review.objects.filter(asset_id__in=asset_ids)
        .order_by("asset_id", "decided_at", "step_position")
        .values_list(
            "asset_id",
            "round",
            "step_position",
            "decision",
            "decided_at",
            "asset__review_status",
            "asset__review_round",
            "version__generation__provider",
            "version__generation__reference_pack_id",
            "version__generation__poster_template_id",
            "asset__campaign_id",
        )
    )
    campaigns = {row[0]: row[10] for row in rows}
    last_decided: dict[int, datetime] = {}
    for row in rows:
        last_decided[row[0]] = max(row[4], last_decided.get(row[0], row[4]))
    first_queued = dict(
        AssetVersion.objects.filter(asset_id__in=campaigns)
        .values("asset_id")
        .annotate(first=Min("generation__queued_at"))
        .values_list("asset_id", "first")
        .order_by()
    )
    decisions = (DecisionRow(*row[:7], source=row[7:10]) for row in rows)
    return [
        _outcome_row(
            outcome,
            campaign_id=campaigns[outcome.asset_id],
            first_queued=first_queued.get(outcome.asset_id),
            last_decided_at=last_decided[outcome.asset_id],
        )
        for outcome in asset_outcomes(decisions)
    ]


def _outcome_row(
    outcome: AssetOutcome,
    *,
    campaign_id: int,
    first_queued: datetime | None,
    last_decided_at: datetime,
) -> ReviewOutcome:
    wait = None
    if outcome.approved_at is not None and first_queued is not None:
        wait = (outcome.approved_at - first_queued).total_seconds()
    return ReviewOutcome(
        asset_id=outcome.asset_id,
        campaign_id=campaign_id,
        first_provider=outcome.first_source[0],
        first_reference_pack_id=outcome.first_source[1],
        first_poster_template_id=outcome.first_source[2],
        first_round_ended=outcome.first_round_ended,
        passed_first_time=outcome.passed_first_time,
        rounds_to_approval=outcome.rounds_to_approval,
        approved_at=outcome.approved_at,
        approval_seconds=wait,
        last_decided_at=last_decided_at,
    )
