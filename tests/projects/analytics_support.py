"""Histories for the analytics and dashboard tests.

`reviewed_history` builds a small history through the real services (local renderer run in
process, submit, decide), then pins the timestamps the figures read: Generation rows are
updatable, Review rows may be adjusted in tests. `bulk_history` writes many rows directly, for
the query-count tests only, where realism matters less than size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.test import TestCase
from django.utils import timezone

from projects.choices import Decision, GenerationMode, GenerationStatus, ReviewStatus
from projects.models import Asset, AssetVersion, Generation, Review
from projects.services.approvals import approval_decide, approval_submit
from projects.services.asset_search_text import asset_search_text_refresh
from projects.services.review_outcomes import review_outcomes_refresh
from tests.projects.generation_support import ask
from tests.projects.review_support import LOCAL_SIZE

S = GenerationStatus


def make_version(studio: Any, *, source: AssetVersion | None = None, **fields: Any) -> AssetVersion:
    """A version rendered by the local provider: a new asset, or the next version of `source`."""
    if source is not None:
        fields.update(mode=GenerationMode.EDIT, source_version_id=source.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(studio, provider="local", size=LOCAL_SIZE, **fields)
    return AssetVersion.objects.select_related("asset", "generation").get(generation=generation)


def submit(studio: Any, version: AssetVersion) -> None:
    approval_submit(asset=version.asset, version=version, user=studio.marketer)


def decide(studio: Any, version: AssetVersion, decision: Decision, at: datetime) -> Review:
    """The reviewer's decision on `version`, then moved to `at`."""
    review = approval_decide(
        asset=version.asset,
        version=version,
        decision=decision,
        comment="" if decision == Decision.APPROVE else "Warmer light, please.",
        user=studio.reviewer,
    )
    Review.objects.filter(pk=review.pk).update(decided_at=at)
    review_outcomes_refresh(asset_ids=[version.asset_id])  # as if it had been decided at `at`
    return review


def pin(version: AssetVersion, **fields: Any) -> None:
    """Set columns of the generation behind `version` (timestamps, provider, cost, latency), and
    its asset's review outcome with them, as if the generation had been made that way."""
    Generation.objects.filter(pk=version.generation_id).update(**fields)
    review_outcomes_refresh(asset_ids=[version.asset_id])


@dataclass
class History:
    start: datetime
    a1: AssetVersion
    b1: AssetVersion
    b2: AssetVersion
    c1: AssetVersion
    d1: AssetVersion
    e1: AssetVersion


def reviewed_history(studio: Any, *, start: datetime) -> History:
    """Five assets, each with a known story (times relative to `start`):

    A  pack + template, provider "ark"; approved in round 1 two hours after it was queued.
    B  no pack, no template; changes requested in round 1, v2 approved in round 2 at 1 d 4 h.
    C  pack only; rejected in round 1.
    D  pack + template; submitted, still waiting in round 1.
    E  pack + template; approved in round 1 after 30 minutes.
    """
    template = {"poster_template_id": studio.template.pk, "slot_values": {"product": "cold brew"}}
    pack = {"reference_pack_id": studio.pack.pk}
    a1 = make_version(studio, **template, **pack)
    b1 = make_version(studio)
    c1 = make_version(studio, **pack)
    d1 = make_version(studio, **template, **pack)
    e1 = make_version(studio, **template, **pack)
    for version in (a1, b1, c1, d1, e1):
        submit(studio, version)
    decide(studio, a1, Decision.APPROVE, start + timedelta(hours=2))
    decide(studio, b1, Decision.REQUEST_CHANGES, start + timedelta(hours=1))
    decide(studio, c1, Decision.REJECT, start + timedelta(hours=3))
    decide(studio, e1, Decision.APPROVE, start + timedelta(minutes=30))
    b2 = make_version(studio, source=b1)
    submit(studio, b2)
    decide(studio, b2, Decision.APPROVE, start + timedelta(days=1, hours=4))
    for version in (a1, b1, c1, d1, e1):
        pin(version, queued_at=start)
    pin(b2, queued_at=start + timedelta(days=1))
    pin(a1, provider="ark")
    return History(start, a1, b1, b2, c1, d1, e1)


def bulk_history(studio: Any, count: int, *, now: datetime | None = None) -> list[Asset]:
    """`count` assets, each with one finished generation and one version; half approved in
    round 1, half waiting for review. Written in a handful of bulk queries."""
    now = now or timezone.now()
    generations = Generation.objects.bulk_create(
        Generation(
            campaign=studio.campaign,
            mode=GenerationMode.TEXT_TO_IMAGE,
            provider="local" if index % 3 else "ark",
            model="seedream-4.0",
            prompt=f"bulk {index}",
            payload={"prompt": f"bulk {index}"},
            payload_sha256=f"{index:064x}",
            status=S.FAILED if index % 7 == 0 else S.SUCCEEDED,
            queued_at=now - timedelta(hours=index % 48 + 1),
            finished_at=now - timedelta(hours=index % 48),
            provider_seconds=None if index % 7 == 0 else 1.0 + index % 5,
            cost=Decimal("0.0300"),
            billed_images=1,
            requested_by=studio.marketer,
        )
        for index in range(count)
    )
    assets = Asset.objects.bulk_create(
        Asset(campaign=studio.campaign, title=f"Bulk {index}", created_by=studio.marketer)
        for index in range(count)
    )
    versions = AssetVersion.objects.bulk_create(
        AssetVersion(
            asset=asset,
            number=1,
            generation=generation,
            image=f"outputs/bulk/{asset.pk}.png",
            image_sha256=f"{asset.pk:064x}",
            content_type="image/png",
            width=64,
            height=64,
            byte_size=100,
            thumbnail=f"thumbs/bulk/{asset.pk}.jpg",
            created_by=studio.marketer,
        )
        for asset, generation in zip(assets, generations, strict=True)
    )
    for index, (asset, version) in enumerate(zip(assets, versions, strict=True)):
        approved = index % 2 == 0
        asset.latest_version = version
        asset.submitted_version = version
        asset.submitted_by = studio.marketer
        asset.submitted_at = now - timedelta(hours=1)
        asset.review_round = 1
        asset.review_status = ReviewStatus.APPROVED if approved else ReviewStatus.IN_REVIEW
        asset.approved_version = version if approved else None
    Asset.objects.bulk_update(
        assets,
        [
            "latest_version",
            "submitted_version",
            "submitted_by",
            "submitted_at",
            "review_round",
            "review_status",
            "approved_version",
        ],
    )
    Review.objects.bulk_create(
        Review(
            asset=asset,
            version=version,
            round=1,
            decision=Decision.APPROVE,
            decided_by=studio.reviewer,
            decided_at=now,
        )
        for index, (asset, version) in enumerate(zip(assets, versions, strict=True))
        if index % 2 == 0
    )
    review_outcomes_refresh(asset_ids=[asset.pk for asset in assets])
    asset_search_text_refresh(asset_ids=[asset.pk for asset in assets])
    return assets
