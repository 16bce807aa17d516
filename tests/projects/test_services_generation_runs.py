"""Running generations: duplicate delivery, provider faults and retries, partial groups, rate
limits and crashes, all against the loopback fake provider on real Redis."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from projects.choices import AttemptOutcome, GenerationMode, GenerationStatus
from projects.jobs import generation_run_job
from projects.models import AssetVersion, Generation, GenerationAttempt
from projects.providers.base import ProviderErrorKind
from projects.queue import get_connection, get_queue
from projects.ratelimit import ProviderLimiter, limits_for
from projects.services import generation_runs
from tests.contract.conftest import ARK_KEY
from tests.contract.fake_provider import Fault
from tests.projects.conftest import work_queue
from tests.projects.generation_support import (
    ask,
    ask_ark,
    attempt_log,
    outcomes,
    queued_job_ids,
    run_retry_now,
    scheduled_job_ids,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

S = GenerationStatus
INTERNAL_ERROR = "Brandkit hit an internal error while running this generation"


def _in_flight(provider: str = "ark") -> int:
    return ProviderLimiter(
        get_connection(), provider=provider, limits=limits_for(provider)
    ).in_flight()


# --- duplicate delivery -----------------------------------------------------------------------


def test_the_same_job_delivered_twice_calls_the_provider_once(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio)
    # A second delivery of the same attempt under another job id (a re-send, an RQ duplicate).
    get_queue().enqueue(generation_run_job, generation.pk, job_id=f"duplicate-{generation.pk}")
    assert len(queued_job_ids()) == 2
    work_queue()
    generation_run_job(generation.pk)  # and a third, after the fact
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 1
    assert len(fake_provider.posts()) == 1
    assert AssetVersion.objects.filter(generation=generation).count() == 1
    assert outcomes(generation) == [AttemptOutcome.SUCCEEDED]
    assert queued_job_ids() == []


@pytest.mark.postgres
def test_concurrent_deliveries_on_two_connections_call_the_provider_once(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    fake_provider.latency = 0.3  # the winner is still in its call when the loser tries
    generation = ask_ark(studio)
    get_queue().empty()  # delivered by hand below, twice at once
    # Both deliveries have read the row as queued and hold a provider slot before either claims:
    # only the claim's compare-and-set can tell them apart, every run.
    at_claim = threading.Barrier(2)
    real_claim = generation_runs._claim

    def claim_together(generation_id: int, **kwargs: Any) -> Any:
        at_claim.wait(timeout=10)
        return real_claim(generation_id, **kwargs)

    monkeypatch.setattr(generation_runs, "_claim", claim_together)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            generation_run_job(generation.pk)
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a delivery hung"
    assert errors == []
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 1
    assert len(fake_provider.posts()) == 1
    assert AssetVersion.objects.filter(generation=generation).count() == 1
    assert GenerationAttempt.objects.filter(generation=generation).count() == 1
    assert _in_flight() == 0


# --- provider faults --------------------------------------------------------------------------


def test_rate_limited_call_waits_for_retry_after_then_succeeds(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    rq_settings.GENERATION_RETRY_BASE_SECONDS = 1  # so the wait comes from Retry-After alone
    fake_provider.retry_after = "7"
    fake_provider.script(Fault.RATE_LIMITED)
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.QUEUED
    assert generation.error_kind == ProviderErrorKind.RATE_LIMITED
    [first] = attempt_log(generation)
    assert first.outcome == AttemptOutcome.RETRYING
    assert first.may_have_billed is False  # a 429 is refused before any work
    assert generation.not_before is not None
    assert generation.not_before - first.finished_at >= timedelta(seconds=7)
    # The retry is a scheduled job for the next attempt, not a job that runs now.
    [scheduled] = scheduled_job_ids()
    assert scheduled.startswith(f"generation-{generation.pk}-2-")
    assert queued_job_ids() == []
    # An early delivery (a duplicate, the sweep) does not jump the wait.
    generation_run_job(generation.pk)
    assert len(fake_provider.posts()) == 1

    generation = run_retry_now(generation)
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 2
    assert outcomes(generation) == [AttemptOutcome.RETRYING, AttemptOutcome.SUCCEEDED]
    assert (generation.error_kind, generation.error_code, generation.error_message) == ("", "", "")
    posts = fake_provider.posts()
    assert len(posts) == 2
    assert posts[0].json == posts[1].json  # the retry re-sends the identical body
    assert AssetVersion.objects.filter(generation=generation).count() == 1


def test_server_errors_fail_after_max_attempts_with_every_attempt_recorded(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    rq_settings.GENERATION_MAX_ATTEMPTS = 3
    fake_provider.script(Fault.SERVER_ERROR, Fault.SERVER_ERROR, Fault.SERVER_ERROR)
    generation = ask_ark(studio)
    assert generation.max_attempts == 3
    work_queue()
    generation = run_retry_now(generation)
    assert generation.status == S.QUEUED
    generation = run_retry_now(generation)

    assert generation.status == S.FAILED
    assert generation.attempts == 3
    assert generation.finished_at is not None
    assert generation.error_kind == ProviderErrorKind.UNAVAILABLE
    assert generation.error_message.startswith(
        "ark: the provider is unavailable (HTTP 500, InternalServiceError): "
        "The service encountered an unexpected internal error."
    )
    assert ARK_KEY not in generation.error_message
    log = attempt_log(generation)
    assert [attempt.outcome for attempt in log] == [
        AttemptOutcome.RETRYING,
        AttemptOutcome.RETRYING,
        AttemptOutcome.FAILED,
    ]
    assert {attempt.error_kind for attempt in log} == {ProviderErrorKind.UNAVAILABLE}
    assert all(attempt.may_have_billed for attempt in log)  # a 5xx may come after the work
    assert len(fake_provider.posts()) == 3
    assert AssetVersion.objects.filter(generation=generation).count() == 0
    # Nothing more is tried: a late scheduled job finds nothing to claim.
    generation_run_job(generation.pk)
    assert len(fake_provider.posts()) == 3


def test_content_filter_refusal_fails_at_once_without_retry(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    fake_provider.script(Fault.CONTENT_FILTER)
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.FAILED
    assert generation.attempts == 1
    assert generation.error_kind == ProviderErrorKind.CONTENT_POLICY
    assert "refused by the provider's moderation" in generation.error_message
    assert outcomes(generation) == [AttemptOutcome.FAILED]
    assert scheduled_job_ids() == [] and queued_job_ids() == []
    assert len(fake_provider.posts()) == 1


def test_partial_group_keeps_the_good_images_and_reports_the_failed_one(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    fake_provider.script(Fault.PARTIAL_GROUP)
    generation = ask_ark(studio, mode=GenerationMode.GROUP, group_size=3)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.PARTIAL
    assert generation.attempts == 1
    versions = AssetVersion.objects.filter(generation=generation).order_by("output_index")
    assert [version.output_index for version in versions] == [0, 2]
    [failed] = generation.failed_outputs
    assert failed["index"] == 1
    assert failed["kind"] == ProviderErrorKind.CONTENT_POLICY
    assert "output image may contain sensitive information" in failed["message"]
    assert generation.error_message.startswith("1 of 3 images failed: ")
    assert generation.billed_images == 2  # usage.generated_images
    assert generation.cost == Decimal("0.0600")
    assert outcomes(generation) == [AttemptOutcome.PARTIAL]
    assert len(fake_provider.posts()) == 1


# --- rate limits ------------------------------------------------------------------------------


def test_a_request_over_the_images_per_minute_limit_is_deferred_not_sent(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    # No concurrency cap: the worker runs all three at once, and the window alone refuses one.
    rq_settings.PROVIDER_LIMITS = {"ark": {"max_concurrent": 0, "images_per_minute": 2}}
    generations = ask(studio, provider="ark", variants=3)
    before = timezone.now()
    work_queue()
    assert len(fake_provider.posts()) == 2
    by_status: dict[str, list[Generation]] = {}
    for generation in Generation.objects.filter(pk__in=[g.pk for g in generations]):
        by_status.setdefault(generation.status, []).append(generation)
    assert len(by_status[S.SUCCEEDED]) == 2
    [deferred] = by_status[S.QUEUED]
    assert deferred.attempts == 0
    assert attempt_log(deferred) == []
    # The window frees up a minute after the first call; the deferral waits for that.
    assert deferred.not_before is not None
    assert deferred.not_before >= before + timedelta(seconds=50)
    [scheduled] = scheduled_job_ids()
    assert scheduled.startswith(f"generation-{deferred.pk}-1-")
    assert _in_flight() == 0


# --- crashes ----------------------------------------------------------------------------------


def test_an_unexpected_exception_fails_the_generation_and_reraises_at_the_job_edge(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    def broken(generation: Generation, **kwargs: Any) -> None:
        raise RuntimeError("a bug in the run")

    monkeypatch.setattr(generation_runs, "_call_provider", broken)
    generation = ask_ark(studio)
    get_queue().empty()
    with pytest.raises(RuntimeError, match="a bug in the run"):
        generation_run_job(generation.pk)
    generation.refresh_from_db()
    assert generation.status == S.FAILED
    assert generation.error_message.startswith(INTERNAL_ERROR)
    assert "a bug in the run" not in generation.error_message  # the traceback is logged only
    [attempt] = attempt_log(generation)
    assert attempt.outcome == AttemptOutcome.FAILED
    assert attempt.finished_at is not None
    assert _in_flight() == 0  # the rate-limit slot was given back


def test_a_crashing_job_is_failed_in_rq_and_in_the_database(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    def broken(generation: Generation, **kwargs: Any) -> None:
        raise RuntimeError("a bug in the run")

    monkeypatch.setattr(generation_runs, "_call_provider", broken)
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.FAILED
    assert generation.error_message.startswith(INTERNAL_ERROR)
    assert get_queue().failed_job_registry.get_job_ids() == [f"generation-{generation.pk}-1"]
