"""Faults after the provider answered, and the pieces that keep calls in flight alive: a result
write that loses its database connection, storage that refuses the images, a job delivered before
its time, liveness renewals and the worker's maintenance cadence."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from brandkit.supervisor import Supervisor
from projects import liveness
from projects.choices import AttemptOutcome, GenerationStatus
from projects.jobs import generation_run_job
from projects.models import AssetVersion, Generation
from projects.queue import get_connection, get_queue
from projects.services import generation_runs
from projects.services.generation_control import generation_retry
from projects.worker import BrandkitWorker
from tests.projects.conftest import work_queue
from tests.projects.generation_support import (
    ask,
    ask_ark,
    attempt_log,
    outcomes,
    scheduled_job_ids,
    wait_until,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
S = GenerationStatus


@pytest.mark.postgres
def test_a_result_write_that_loses_its_connection_is_retried_without_a_second_call(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    real_create = generation_runs.output_versions_create
    terminated: list[int] = []

    def create_on_a_dying_connection(**kwargs: Any) -> Any:
        if not terminated:
            # The server ends this backend mid-transaction, as a PostgreSQL restart or a
            # pg_terminate_backend by an operator would.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                terminated.append(cursor.fetchone()[0])
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_create(**kwargs)

    monkeypatch.setattr(generation_runs, "output_versions_create", create_on_a_dying_connection)
    generation = ask_ark(studio)
    work_queue()
    assert terminated
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.billed_images == 1
    assert len(fake_provider.posts()) == 1  # the answer was written again, not asked for again
    assert AssetVersion.objects.filter(generation=generation).count() == 1
    assert outcomes(generation) == [AttemptOutcome.SUCCEEDED]


def test_a_storage_failure_after_the_answer_fails_with_its_reason_and_retry_works(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    real_store = generation_runs.output_store

    def storage_down(image: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generation_runs, "output_store", storage_down)
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.FAILED
    assert generation.error_kind == generation_runs.STORAGE_FAILED
    assert generation.error_message == generation_runs.STORAGE_FAILED_MESSAGE
    assert generation.billed_images == 1  # the provider was paid; the spend says so
    assert generation.cost > 0
    assert AssetVersion.objects.filter(generation=generation).count() == 0
    [attempt] = attempt_log(generation)
    assert (attempt.outcome, attempt.may_have_billed) == (AttemptOutcome.FAILED, True)
    assert attempt.error_kind == generation_runs.STORAGE_FAILED

    monkeypatch.setattr(generation_runs, "output_store", real_store)
    generation_retry(generation=generation, user=studio.marketer)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert outcomes(generation) == [AttemptOutcome.FAILED, AttemptOutcome.SUCCEEDED]
    [version] = AssetVersion.objects.filter(generation=generation)
    assert version.image.storage.exists(version.image.name)


def test_a_job_delivered_before_not_before_is_deferred_again_not_dropped(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio)
    get_queue().empty()
    not_before = timezone.now() + timedelta(seconds=0.6)
    Generation.objects.filter(pk=generation.pk).update(not_before=not_before)

    generation_run_job(generation.pk)  # RQ rounded the schedule down: the job is early

    generation.refresh_from_db()
    assert generation.status == S.QUEUED
    assert generation.attempts == 0
    assert fake_provider.posts() == []
    [scheduled] = scheduled_job_ids()
    assert scheduled.startswith(f"generation-{generation.pk}-1-later-")
    when = get_queue().scheduled_job_registry.get_scheduled_time(scheduled)
    assert when >= not_before.replace(microsecond=0)


def test_liveness_renews_a_running_generation_up_to_its_hard_deadline(
    studio: Any, rq_settings: Any, provider_settings: Any, settings: Any
) -> None:
    settings.GENERATION_LIVENESS_SECONDS = 30
    generation = ask_ark(studio)
    claim = generation_runs._claim(generation.pk)
    assert claim is not None
    generation.refresh_from_db()
    first_deadline = generation.deadline_at
    assert first_deadline <= timezone.now() + timedelta(seconds=30)
    entry = liveness.InFlight(
        generation_id=generation.pk,
        attempt=claim.attempt.number,
        hard_deadline=timezone.now() + timedelta(hours=1),
    )
    time.sleep(0.05)
    assert liveness.renew([entry])
    generation.refresh_from_db()
    assert generation.deadline_at > first_deadline

    # Past the hard deadline nothing renews it: a call stuck that long is swept, alive or not.
    near = liveness.InFlight(
        generation_id=generation.pk,
        attempt=claim.attempt.number,
        hard_deadline=timezone.now() + timedelta(seconds=5),
    )
    renewed = generation.deadline_at
    assert liveness.renew([near])
    generation.refresh_from_db()
    assert generation.deadline_at == renewed

    # Another attempt's renewal (a run swept and claimed elsewhere) does not touch this one.
    stale = liveness.InFlight(
        generation_id=generation.pk, attempt=99, hard_deadline=timezone.now() + timedelta(hours=1)
    )
    assert liveness.renew([stale])
    generation.refresh_from_db()
    assert generation.deadline_at == renewed


def test_the_worker_maintains_every_maintenance_interval_whatever_worker_ttl_says(
    rq_settings: Any,
) -> None:
    # django-rq's rqworker passes --worker-ttl 420 unless told otherwise.
    worker = BrandkitWorker([get_queue()], connection=get_connection(), worker_ttl=420)
    assert worker.dequeue_timeout <= rq_settings.WORKER_MAINTENANCE_SECONDS
    assert worker.maintenance_interval == rq_settings.WORKER_MAINTENANCE_SECONDS
    assert worker.threads == rq_settings.WORKER_THREADS


def test_the_supervisor_restarts_a_child_that_exits() -> None:
    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])

    supervisor = Supervisor([start])
    try:
        wait_until(lambda: supervisor.restarts() >= 2, timeout=15, what="two restarts")
    finally:
        supervisor.stop(timeout=5)
    assert all(process.poll() is not None for process in supervisor.processes)


def test_a_full_concurrency_limit_is_waited_out_on_the_thread_not_deferred(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    rq_settings.PROVIDER_LIMITS = {"ark": {"max_concurrent": 2, "images_per_minute": 0}}
    fake_provider.latency = 0.3
    generations = ask(studio, provider="ark", variants=6)
    work_queue()  # six threads at once, two slots: four wait for a freed slot
    ids = [g.pk for g in generations]
    assert Generation.objects.filter(pk__in=ids, status=S.SUCCEEDED).count() == 6
    assert scheduled_job_ids() == []  # nobody went through the scheduler
    assert len(fake_provider.posts()) == 6


def test_the_worker_s_own_maintenance_sweeps_a_lost_run(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio)
    get_queue().empty()
    assert generation_runs._claim(generation.pk) is not None  # a worker claimed it, then died
    Generation.objects.filter(pk=generation.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=1)  # and its liveness lapsed
    )
    work_queue()  # nothing queued: only the worker's maintenance can find it
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert outcomes(generation) == [AttemptOutcome.LOST, AttemptOutcome.SUCCEEDED]
