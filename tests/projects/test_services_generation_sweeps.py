"""The sweep: generations nobody works on (a killed worker, a lost job) are put back in motion,
visibly and exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from rq import Queue, Worker
from rq.job import Job, JobStatus

from projects.choices import AttemptOutcome, GenerationStatus
from projects.models import AssetVersion, Generation
from projects.queue import get_queue
from projects.ratelimit import ProviderLimiter
from projects.services.generation_runs import _claim
from projects.services.generation_sweeps import LOST_MESSAGE, generation_sweep
from tests.projects.conftest import work_queue
from tests.projects.generation_support import (
    ask_ark,
    attempt_log,
    outcomes,
    queued_job_ids,
    wait_until,
)
from tests.projects.worker_support import worker_environment

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

S = GenerationStatus
# Long enough that the worker is surely still waiting on the fake when it is killed.
KILLED_CALL_LATENCY = 5.0


def _stale_now() -> Any:
    """A sweep time at which every queued generation made so far counts as stale."""
    return timezone.now() + timedelta(seconds=settings.GENERATION_STALE_QUEUED_SECONDS + 1)


def test_sweep_resends_a_queued_generation_whose_job_was_lost(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio)
    assert queued_job_ids() == [f"generation-{generation.pk}-1"]
    get_queue().empty()  # RQ lost the job (a flushed Redis, a failed enqueue)
    assert generation_sweep().resent_queued == 0  # not stale yet: a worker may be on it
    assert queued_job_ids() == []

    report = generation_sweep(now=_stale_now())
    assert report.resent_queued == 1
    assert queued_job_ids() == [f"generation-{generation.pk}-1"]
    generation_sweep(now=_stale_now())  # a second sweep does not duplicate the job
    assert queued_job_ids() == [f"generation-{generation.pk}-1"]

    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 1
    assert len(fake_provider.posts()) == 1


def test_sweep_resends_a_queued_generation_whose_job_failed_before_the_claim(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    real_try_acquire = ProviderLimiter.try_acquire
    calls = []

    def flaky_try_acquire(self: ProviderLimiter, **kwargs: Any) -> float:
        calls.append(kwargs)
        if len(calls) == 1:
            raise redis.ConnectionError("Redis blinked")
        return real_try_acquire(self, **kwargs)

    monkeypatch.setattr(ProviderLimiter, "try_acquire", flaky_try_acquire)
    generation = ask_ark(studio)
    work_queue()  # the job raises before it claims the row; RQ keeps it as failed
    generation.refresh_from_db()
    assert generation.status == S.QUEUED
    assert generation.attempts == 0
    assert fake_provider.posts() == []

    assert generation_sweep(now=_stale_now()).resent_queued == 1
    assert len(queued_job_ids()) == 1
    generation_sweep(now=_stale_now())
    assert len(queued_job_ids()) == 1
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 1
    assert len(fake_provider.posts()) == 1


def test_sweep_replaces_a_job_a_dead_worker_started_but_never_claimed(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    """Found from outside (bench/faults.py sigkill): a worker SIGKILLed after it dequeued a job
    but before the job claimed its generation left the job STARTED in RQ for the whole job
    timeout, so every re-send by the sweep was refused as a duplicate and the generation stayed
    queued."""
    generation = ask_ark(studio)
    job_id = f"generation-{generation.pk}-1"
    queue = get_queue()
    # A worker takes the job off the queue and starts it as BrandkitWorker does (execution
    # prepared on the main thread, then the job's own bookkeeping) ... and dies before the claim.
    worker = Worker([queue], connection=queue.connection, name="killed-before-its-claim")
    dequeued = Queue.dequeue_any([queue], timeout=None, connection=queue.connection)
    assert dequeued is not None
    job, _ = dequeued
    assert job.id == job_id
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    assert queued_job_ids() == []

    assert generation_sweep().resent_queued == 0  # not stale yet: a live worker may be on it
    assert Job.fetch(job_id, connection=queue.connection).get_status() == JobStatus.STARTED
    assert generation_sweep(now=_stale_now()).resent_queued == 1
    assert queued_job_ids() == [job_id]  # the dead job replaced, under the same id
    generation_sweep(now=_stale_now())  # and a queued job is not duplicated
    assert queued_job_ids() == [job_id]

    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 1
    assert len(fake_provider.posts()) == 1


def test_sweep_fails_a_lost_run_that_has_no_attempts_left(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    rq_settings.GENERATION_MAX_ATTEMPTS = 1
    generation = ask_ark(studio)
    get_queue().empty()
    # A run that never finishes: claim it as a worker would, then lose the worker.
    claim = _claim(generation.pk)
    assert claim is not None
    generation.refresh_from_db()
    assert generation_sweep().total == 0  # within its deadline: a worker may still be on it

    report = generation_sweep(now=generation.deadline_at + timedelta(seconds=1))
    assert (report.requeued_lost, report.failed_lost) == (0, 1)
    generation.refresh_from_db()
    assert generation.status == S.FAILED
    assert generation.error_kind == "worker_lost"
    assert generation.error_message == LOST_MESSAGE
    [attempt] = attempt_log(generation)
    assert (attempt.outcome, attempt.may_have_billed) == (AttemptOutcome.LOST, True)
    assert queued_job_ids() == []


@pytest.mark.postgres  # the worker process needs a database it can reach: not in-memory SQLite
def test_worker_killed_in_the_provider_call_is_swept_and_retried_once(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    redis_url: str,
    tmp_path: Path,
) -> None:
    fake_provider.latency = KILLED_CALL_LATENCY
    generation = ask_ark(studio, reference_pack_id=studio.pack.pk)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            # System checks add nothing here and would tie this test to every URLconf.
            [sys.executable, "manage.py", "rqworker", "default", "--burst", "--skip-checks"],
            cwd=settings.BASE_DIR,
            env=worker_environment(fake_provider, redis_url, tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed whole below
        )
        try:

            def worker_is_calling() -> bool:
                if worker.poll() is not None:
                    raise AssertionError(f"the worker exited early:\n{log_path.read_text()}")
                return bool(fake_provider.posts())

            wait_until(worker_is_calling, timeout=30, what="the worker's provider call")
            generation.refresh_from_db()
            assert generation.status == S.RUNNING
            assert generation.attempts == 1
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL

    generation.refresh_from_db()
    assert generation.status == S.RUNNING  # nobody will finish it: the sweep must find it
    assert generation_sweep().total == 0  # not before its deadline
    report = generation_sweep(now=generation.deadline_at + timedelta(seconds=1))
    assert report.requeued_lost == 1
    generation.refresh_from_db()
    assert generation.status == S.QUEUED
    assert queued_job_ids() == [f"generation-{generation.pk}-2"]

    fake_provider.latency = 0.0
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    assert generation.attempts == 2
    assert AssetVersion.objects.filter(generation=generation).count() == 1
    log = attempt_log(generation)
    assert outcomes(generation) == [AttemptOutcome.LOST, AttemptOutcome.SUCCEEDED]
    assert log[0].may_have_billed is True  # the killed call may have been billed
    assert log[0].error_message == LOST_MESSAGE
    posts = fake_provider.posts()
    assert len(posts) == 2
    assert posts[0].json == posts[1].json
    assert Generation.objects.filter(status=S.RUNNING).count() == 0
