"""Two real worker processes; the one holding RQ's scheduler lock is SIGKILLed (and its scheduler
with it). A deferred generation must still be delivered: the lock dies with its holder (RQ's
61 s lease) and the other worker's maintenance takes the scheduler over.

The sweep that re-sends stale queued generations is pushed out of the way here, so only the
scheduler can deliver the deferred job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from projects.choices import GenerationStatus
from projects.models import Generation
from projects.queue import get_connection, get_queue
from projects.services.generation_runs import enqueue_generation
from tests.projects.generation_support import ask, wait_until
from tests.projects.worker_support import WorkerProcess, worker_environment

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LOCK_KEY = "rq:scheduler-lock:default"
# RQ leases its scheduler lock for interval + 60 s; the other worker's maintenance (every
# second here) then takes it. Allow a little over that.
TAKEOVER_SECONDS = 61 + 15
ENV = {
    "WORKER_THREADS": "4",
    "WORKER_MAINTENANCE_SECONDS": "1",
    # The sweep would re-send the queued generation itself: keep it out of this test.
    "GENERATION_STALE_QUEUED_SECONDS": "3600",
}


def _lock_holder() -> str | None:
    holder = get_connection().get(LOCK_KEY)
    return holder.decode() if holder else None


def test_a_sigkilled_scheduler_holder_s_deferred_job_is_still_delivered(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    redis_url: str,
    tmp_path: Path,
) -> None:
    fake_provider.latency = 0.1
    # Made before any worker runs, and taken off the queue: it will only come as a job scheduled
    # for later, once the scheduler's holder is dead.
    [generation] = ask(studio, provider="ark")
    get_queue().empty()
    env = worker_environment(fake_provider, redis_url, tmp_path, **ENV)
    holder = WorkerProcess(env, tmp_path / "holder.log")
    other: WorkerProcess | None = None
    try:
        wait_until(
            lambda: holder.alive() and _lock_holder() is not None,
            timeout=30,
            what="the first worker's scheduler to take the lock",
        )
        first_holder = _lock_holder()
        other = WorkerProcess(env, tmp_path / "other.log")
        time.sleep(3)  # the second worker is up and has failed to take the lock at least once
        assert other.alive() and _lock_holder() == first_holder
        holder.kill()
        killed_at = time.monotonic()

        with transaction.atomic():
            enqueue_generation(generation, delay_seconds=2)

        wait_until(
            lambda: (
                other.alive()
                and Generation.objects.get(pk=generation.pk).status == GenerationStatus.SUCCEEDED
            ),
            timeout=TAKEOVER_SECONDS,
            what="the deferred generation to be delivered by the other worker's scheduler",
        )
        assert time.monotonic() - killed_at < TAKEOVER_SECONDS
        assert _lock_holder() not in (None, first_holder)
        assert len(fake_provider.posts()) == 1
    finally:
        holder.close()
        if other is not None:
            other.close()
