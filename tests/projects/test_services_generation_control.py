"""Cancel and retry, per generation and per batch, against work already queued or running."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from projects.choices import AttemptOutcome, GenerationStatus
from projects.exceptions import GenerationRefused, InvalidTransition
from projects.jobs import generation_run_job
from projects.models import AssetVersion, Generation
from projects.services import generation_runs
from projects.services.generation_control import (
    batch_cancel_remaining,
    batch_retry_failed,
    generation_cancel,
    generation_retry,
)
from projects.services.outputs import output_orphans_delete
from tests.contract.fake_provider import Fault
from tests.projects.conftest import work_queue
from tests.projects.generation_support import (
    ask,
    ask_ark,
    attempt_log,
    outcomes,
    queued_job_ids,
    stored_output_names,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

S = GenerationStatus


def _statuses(generations: list[Generation]) -> list[str]:
    return list(
        Generation.objects.filter(pk__in=[g.pk for g in generations])
        .order_by("pk")
        .values_list("status", flat=True)
    )


def test_cancel_a_queued_generation_then_its_job_does_nothing(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio)
    canceled = generation_cancel(generation=generation, user=studio.marketer)
    assert canceled.status == S.CANCELED
    assert canceled.finished_at is not None
    work_queue()  # the job was already on its way
    generation.refresh_from_db()
    assert generation.status == S.CANCELED
    assert generation.attempts == 0
    assert attempt_log(generation) == []
    assert fake_provider.posts() == []
    with pytest.raises(InvalidTransition, match="canceled cannot become canceled"):
        generation_cancel(generation=generation, user=studio.marketer)


def test_cancel_a_running_generation_discards_its_late_result(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    real_call = generation_runs._call_provider

    def call_while_the_user_cancels(generation: Generation, **kwargs: Any) -> Any:
        assert Generation.objects.get(pk=generation.pk).status == S.RUNNING
        generation_cancel(generation=generation, user=studio.marketer)
        return real_call(generation, **kwargs)

    monkeypatch.setattr(generation_runs, "_call_provider", call_while_the_user_cancels)
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.CANCELED
    assert len(fake_provider.posts()) == 1  # a call in flight cannot be recalled
    assert AssetVersion.objects.filter(generation=generation).count() == 0
    assert outcomes(generation) == [AttemptOutcome.CANCELED]
    # The result's file was stored before the discard; nothing references it, so it goes.
    [orphan] = stored_output_names()
    assert output_orphans_delete(older_than=timedelta(0)) == [orphan]


def test_cancel_is_for_marketers_and_admins(
    studio: Any, rq_settings: Any, provider_settings: Any
) -> None:
    generation = ask_ark(studio)
    with pytest.raises(GenerationRefused, match="Only marketers and admins of Acme"):
        generation_cancel(generation=generation, user=studio.reviewer)
    generation.refresh_from_db()
    assert generation.status == S.QUEUED


def test_retry_a_failed_generation_with_fresh_attempts(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    fake_provider.script(Fault.CONTENT_FILTER)
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.FAILED

    retried = generation_retry(generation=generation, user=studio.marketer)
    assert retried.status == S.QUEUED
    assert retried.attempts == 1
    assert retried.max_attempts == 1 + rq_settings.GENERATION_MAX_ATTEMPTS
    assert retried.finished_at is None
    assert queued_job_ids() == [f"generation-{generation.pk}-2"]
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 2
    assert outcomes(generation) == [AttemptOutcome.FAILED, AttemptOutcome.SUCCEEDED]
    assert (generation.error_kind, generation.error_message) == ("", "")
    assert AssetVersion.objects.filter(generation=generation).count() == 1
    posts = fake_provider.posts()
    assert len(posts) == 2 and posts[0].json == posts[1].json
    with pytest.raises(InvalidTransition):
        generation_retry(generation=generation, user=studio.marketer)


def test_retry_refused_when_it_would_break_the_budget(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    rq_settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "3.00"}
    fake_provider.script(Fault.SERVER_ERROR)
    rq_settings.GENERATION_MAX_ATTEMPTS = 1
    failed = ask_ark(studio)  # $3 of the $5 budget, released when it fails
    work_queue()
    failed.refresh_from_db()
    assert failed.status == S.FAILED
    ask_ark(studio)  # another $3 now reserved
    with pytest.raises(GenerationRefused, match="past its budget"):
        generation_retry(generation=failed, user=studio.marketer)
    failed.refresh_from_db()
    assert failed.status == S.FAILED


def test_batch_retry_failed_requeues_only_the_failed_ones(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    fake_provider.script(Fault.CONTENT_FILTER, Fault.CONTENT_FILTER)
    generations = ask(studio, provider="ark", variants=3)
    batch = generations[0].batch
    assert batch is not None
    work_queue()
    assert sorted(_statuses(generations)) == [S.FAILED, S.FAILED, S.SUCCEEDED]

    assert batch_retry_failed(batch=batch, user=studio.marketer) == 2
    assert len(queued_job_ids()) == 2
    work_queue()
    assert _statuses(generations) == [S.SUCCEEDED] * 3
    assert len(fake_provider.posts()) == 5
    assert AssetVersion.objects.filter(generation__batch=batch).count() == 3
    assert batch_retry_failed(batch=batch, user=studio.marketer) == 0


def test_batch_cancel_remaining_cancels_what_has_not_finished(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generations = ask(studio, provider="ark", variants=3)
    batch = generations[0].batch
    work_queue(max_jobs=1)
    assert batch_cancel_remaining(batch=batch, user=studio.marketer) == 2
    work_queue()  # the remaining jobs find nothing to run
    assert _statuses(generations) == [S.SUCCEEDED, S.CANCELED, S.CANCELED]
    assert len(fake_provider.posts()) == 1
    assert batch_cancel_remaining(batch=batch, user=studio.marketer) == 0
    for generation in generations[1:]:
        generation_run_job(generation.pk)
    assert len(fake_provider.posts()) == 1
