"""The thread-pool worker under faults, with 50 provider calls in flight in one real worker
process: SIGKILL, SIGTERM and a Redis restart are injected from outside the process, and every
generation must end succeeded exactly once, each provider call a recorded attempt.

The timings are shrunk through the worker's settings (liveness, leases, maintenance, drain), not
faked: the sweep that recovers a killed worker's runs is the worker's own maintenance."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from projects.choices import AttemptOutcome, GenerationStatus
from projects.models import AssetVersion, Generation, GenerationAttempt
from projects.ratelimit import ProviderLimiter, limits_for
from projects.services.generation_sweeps import STOPPED_MESSAGE
from tests.projects.generation_support import ask, wait_until
from tests.projects.worker_support import RedisServer, WorkerProcess, worker_environment

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = GenerationStatus
IN_FLIGHT = 50
# Short enough to keep the tests fast, long enough for 50 calls to be surely in flight.
FAST = {
    "WORKER_THREADS": str(IN_FLIGHT),
    "ARK_MAX_CONCURRENT": str(IN_FLIGHT),
    "ARK_IMAGES_PER_MINUTE": "0",
    "GENERATION_LIVENESS_SECONDS": "4",
    "PROVIDER_LEASE_SECONDS": "4",
    "WORKER_MAINTENANCE_SECONDS": "1",
    "GENERATION_STALE_QUEUED_SECONDS": "3",
    "GENERATION_RETRY_BASE_SECONDS": "1",
}


def ask_fifty(studio: Any) -> list[Generation]:
    generations: list[Generation] = []
    for variants in (20, 20, 10):
        generations += ask(studio, provider="ark", variants=variants)
    assert len(generations) == IN_FLIGHT
    return generations


def succeeded_count(generations: list[Generation]) -> int:
    return Generation.objects.filter(pk__in=[g.pk for g in generations], status=S.SUCCEEDED).count()


def assert_each_succeeded_once(generations: list[Generation], fake_provider: Any) -> None:
    """One version per generation, and every provider call a recorded attempt."""
    ids = [g.pk for g in generations]
    assert Generation.objects.filter(pk__in=ids).exclude(status=S.SUCCEEDED).count() == 0
    versions = Counter(
        AssetVersion.objects.filter(generation_id__in=ids).values_list("generation_id", flat=True)
    )
    assert versions == Counter(ids)
    attempts = GenerationAttempt.objects.filter(generation_id__in=ids)
    assert attempts.count() == len(fake_provider.posts())
    assert attempts.filter(outcome=AttemptOutcome.SUCCEEDED).count() == len(ids)


def wait_for_calls(fake_provider: Any, worker: WorkerProcess, count: int) -> None:
    wait_until(
        lambda: worker.alive() and len(fake_provider.posts()) >= count,
        timeout=30,
        what=f"{count} provider calls in flight",
    )


@pytest.fixture
def worker_log(tmp_path: Path) -> Path:
    return tmp_path / "worker.log"


def test_a_sigkilled_worker_s_runs_are_swept_within_seconds_and_each_completes_once(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    redis_url: str,
    tmp_path: Path,
    worker_log: Path,
) -> None:
    fake_provider.latency = 30.0  # the first worker never sees an answer
    generations = ask_fifty(studio)
    env = worker_environment(fake_provider, redis_url, tmp_path, **FAST)
    first = WorkerProcess(env, worker_log)
    try:
        wait_for_calls(fake_provider, first, IN_FLIGHT)
        assert Generation.objects.filter(status=S.RUNNING).count() == IN_FLIGHT
        first.kill()
    finally:
        first.close()
    limiter = ProviderLimiter(rq_settings_connection(), provider="ark", limits=limits_for("ark"))
    assert limiter.in_flight() > 0  # the dead worker's slots, until their leases lapse

    fake_provider.latency = 0.2
    killed_at = time.monotonic()
    second = WorkerProcess(env, worker_log)
    try:
        # The second worker's own maintenance sweeps the lost runs once their liveness lapses,
        # and its calls get provider slots once the dead worker's leases lapse.
        wait_until(
            lambda: second.alive() and succeeded_count(generations) == IN_FLIGHT,
            timeout=45,
            what="every generation to succeed on the second worker",
        )
    finally:
        second.close()
    assert time.monotonic() - killed_at < 30
    assert_each_succeeded_once(generations, fake_provider)
    for generation in Generation.objects.filter(pk__in=[g.pk for g in generations]):
        assert generation.attempts == 2
    lost = GenerationAttempt.objects.filter(number=1, generation__in=generations)
    assert set(lost.values_list("outcome", "may_have_billed")) == {(AttemptOutcome.LOST, True)}
    assert len(fake_provider.posts()) == 2 * IN_FLIGHT


def rq_settings_connection() -> redis.Redis:
    from projects.queue import get_connection

    return get_connection()


def test_sigterm_drains_then_requeues_what_still_runs_visibly(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    redis_url: str,
    tmp_path: Path,
    worker_log: Path,
) -> None:
    fake_provider.latency = 30.0  # longer than the drain: every call is still in flight
    generations = ask_fifty(studio)
    env = worker_environment(fake_provider, redis_url, tmp_path, WORKER_DRAIN_SECONDS="1", **FAST)
    worker = WorkerProcess(env, worker_log)
    try:
        wait_for_calls(fake_provider, worker, IN_FLIGHT)
        stopped_at = time.monotonic()
        worker.terminate()
        assert worker.wait(timeout=15) == 0, worker.log()
        assert time.monotonic() - stopped_at < 10  # the drain, not the 30 s calls
    finally:
        worker.close()
    ids = [g.pk for g in generations]
    assert Generation.objects.filter(pk__in=ids, status=S.QUEUED).count() == IN_FLIGHT
    stopped = GenerationAttempt.objects.filter(generation_id__in=ids, number=1)
    assert stopped.count() == IN_FLIGHT
    assert set(stopped.values_list("outcome", "may_have_billed", "error_message")) == {
        (AttemptOutcome.LOST, True, STOPPED_MESSAGE)
    }

    fake_provider.latency = 0.2
    again = WorkerProcess(env, worker_log)
    try:
        wait_until(
            lambda: again.alive() and succeeded_count(generations) == IN_FLIGHT,
            timeout=30,
            what="the re-queued generations to succeed",
        )
        again.terminate()  # idle now: it stops at once
        assert again.wait(timeout=15) == 0
    finally:
        again.close()
    assert_each_succeeded_once(generations, fake_provider)


def test_sigterm_lets_calls_in_flight_finish_within_the_drain(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    redis_url: str,
    tmp_path: Path,
    worker_log: Path,
) -> None:
    fake_provider.latency = 2.0
    generations = ask_fifty(studio)
    env = worker_environment(fake_provider, redis_url, tmp_path, WORKER_DRAIN_SECONDS="20", **FAST)
    worker = WorkerProcess(env, worker_log)
    try:
        wait_for_calls(fake_provider, worker, IN_FLIGHT)
        worker.terminate()
        assert worker.wait(timeout=25) == 0, worker.log()
    finally:
        worker.close()
    assert_each_succeeded_once(generations, fake_provider)
    assert len(fake_provider.posts()) == IN_FLIGHT


@pytest.fixture
def private_redis(tmp_path: Path, rq_settings: Any) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    rq_settings.RQ_QUEUES = {"default": {"URL": server.url, "DEFAULT_TIMEOUT": 60}}
    try:
        yield server
    finally:
        server.stop()


def test_a_redis_restart_mid_batch_loses_nothing_and_runs_nothing_twice(
    studio: Any,
    private_redis: RedisServer,
    provider_settings: Any,
    fake_provider: Any,
    tmp_path: Path,
    worker_log: Path,
) -> None:
    fake_provider.latency = 2.0
    generations = ask_fifty(studio) + ask(studio, provider="ark", variants=20)
    env = worker_environment(
        fake_provider,
        private_redis.url,
        tmp_path,
        **{**FAST, "WORKER_THREADS": "25", "ARK_MAX_CONCURRENT": "25"},
    )
    worker = WorkerProcess(env, worker_log)
    try:
        wait_for_calls(fake_provider, worker, 25)
        # Redis dies with its data (queued jobs, leases) while 25 calls are in flight.
        private_redis.stop()
        time.sleep(1.0)
        private_redis.start()
        wait_until(
            lambda: worker.alive() and succeeded_count(generations) == len(generations),
            timeout=45,
            what="every generation to succeed after the restart",
        )
    finally:
        worker.close()
    assert_each_succeeded_once(generations, fake_provider)
    assert len(fake_provider.posts()) == len(generations)  # nothing ran twice


def terminate_other_backends() -> int:
    """pg_terminate_backend on every other connection to this test's database: the worker's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_database_connections_terminated_twice_mid_batch_lose_no_paid_image(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    redis_url: str,
    tmp_path: Path,
    worker_log: Path,
) -> None:
    fake_provider.latency = 2.0
    generations = ask_fifty(studio)
    # Liveness outlasts the outage here (as 45 s outlasts a database restart in production): this
    # test is about the result writes, not about the sweep.
    env = worker_environment(
        fake_provider, redis_url, tmp_path, **{**FAST, "GENERATION_LIVENESS_SECONDS": "15"}
    )
    worker = WorkerProcess(env, worker_log)
    try:
        wait_for_calls(fake_provider, worker, IN_FLIGHT)
        # Twice, while the answers come back and are written: every backend the worker holds
        # (result writes, liveness renewals) dies under it.
        terminated = 0
        for _ in range(2):
            until = time.monotonic() + 1.5
            while time.monotonic() < until:
                terminated += terminate_other_backends()
                time.sleep(0.05)
        assert terminated > 0
        wait_until(
            lambda: worker.alive() and succeeded_count(generations) == IN_FLIGHT,
            timeout=45,
            what="every generation to succeed after the terminations",
        )
    finally:
        worker.close()
    ids = [g.pk for g in generations]
    assert Generation.objects.filter(pk__in=ids).exclude(status=S.SUCCEEDED).count() == 0
    versions = Counter(
        AssetVersion.objects.filter(generation_id__in=ids).values_list("generation_id", flat=True)
    )
    assert versions == Counter(ids)
    # No answer was thrown away: every provider call that answered became the version.
    assert len(fake_provider.posts()) == IN_FLIGHT
