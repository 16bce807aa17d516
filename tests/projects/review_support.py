"""Helpers of the review and reproduction tests: versions rendered by the local provider in
process, through the same services and job as in production.

`inline_queue` runs each job when the test's on-commit callbacks run; the provider rate limiter
still counts on the test Redis, as it does for every run.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from projects.choices import Decision, GenerationMode, ReviewStatus
from projects.models import Asset, AssetVersion, Review
from projects.services.approvals import approval_decide, approval_submit
from tests.projects.generation_support import ask

LOCAL_SIZE = "1280x720"


@pytest.fixture
def inline_queue(settings: Any, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run jobs in process, on the captured on-commit callbacks of a `db` test."""
    # Those callbacks run inside the test's open transaction, which a worker's drop of stale
    # connections between jobs would close; a real worker never runs a job inside one.
    monkeypatch.setattr("projects.jobs.close_old_connections", lambda: None)
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.BRANDKIT_QUEUE_MODE = "inline"
    return settings


def first_version(studio: Any, *, user: Any = None, provider: str = "local") -> AssetVersion:
    """Version 1 of a new asset, made by `user` (the marketer by default) with `provider` (a
    hosted one needs the fake provider's settings)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(studio, user=user, provider=provider, size=LOCAL_SIZE)
    return AssetVersion.objects.select_related("asset").get(generation=generation)


def next_version(studio: Any, version: AssetVersion, *, user: Any = None) -> AssetVersion:
    """An edit of `version`: the next version of its asset."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(
            studio,
            user=user,
            provider="local",
            size=LOCAL_SIZE,
            mode=GenerationMode.EDIT,
            source_version_id=version.pk,
            prompt="the same bottle with a blue label",
        )
    return AssetVersion.objects.select_related("asset").get(generation=generation)


def submitted(version: AssetVersion, *, user: Any) -> Asset:
    """approval_submit of `version` by `user`, with its emails sent as after a commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return approval_submit(asset=version.asset, version=version, user=user)


def decided(
    version: AssetVersion, *, user: Any, decision: Decision = Decision.APPROVE, comment: str = ""
) -> Review:
    """approval_decide on `version` of its asset, with its emails sent as after a commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return approval_decide(
            asset=version.asset, version=version, decision=decision, comment=comment, user=user
        )


def asset_in(studio: Any, status: ReviewStatus) -> tuple[Asset, AssetVersion]:
    """An asset of the marketer's, version 1, brought to `status` through the services (the
    studio's reviewer decides)."""
    version = first_version(studio)
    if status != ReviewStatus.DRAFT:
        submitted(version, user=studio.marketer)
    decision = {
        ReviewStatus.APPROVED: Decision.APPROVE,
        ReviewStatus.CHANGES_REQUESTED: Decision.REQUEST_CHANGES,
        ReviewStatus.REJECTED: Decision.REJECT,
    }.get(status)
    if decision is not None:
        decided(version, user=studio.reviewer, decision=decision, comment="Not on brand.")
    asset = Asset.objects.get(pk=version.asset_id)
    assert asset.review_status == status
    return asset, version


def recipients(outbox: list[Any]) -> list[str]:
    return sorted(address for message in outbox for address in message.to)
