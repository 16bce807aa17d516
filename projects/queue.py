"""The enqueue facade: the only module that knows RQ.

Jobs are sent after the current transaction commits, carry ids only, and have deterministic ids
(`generation-<id>-<attempt>`) enqueued with `unique=True`, so sending the same attempt twice is a
no-op. The database is the source of truth; RQ is transport, and the sweep in
`projects.services.generation_sweep` re-sends anything RQ lost.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache

import redis
from django.conf import settings
from django.db import transaction
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

logger = logging.getLogger(__name__)

QUEUE_NAME = "default"
# Finished jobs vanish at once: our state lives in the database, and a lingering finished job
# would make a later re-send of the same id look like a duplicate.
RESULT_TTL = 0
FAILURE_TTL = 7 * 24 * 3600
# A job in one of these states never runs again, so re-sending its id may replace it.
DEAD_JOB_STATUSES = frozenset(
    {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED}
)


def redis_url() -> str:
    return settings.RQ_QUEUES[QUEUE_NAME]["URL"]


@lru_cache(maxsize=4)
def _connection(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def get_connection() -> redis.Redis:
    """The Redis connection for the queue (also used to coordinate provider rate limits)."""
    return _connection(redis_url())


def get_queue() -> Queue:
    return Queue(QUEUE_NAME, connection=get_connection())


def job_timeout_seconds() -> int:
    return int(settings.RQ_QUEUES[QUEUE_NAME].get("DEFAULT_TIMEOUT", 900))


def enqueue_after_commit(
    func: Callable[..., object],
    *args: int,
    job_id: str,
    delay_seconds: float = 0.0,
    replace_started: bool = False,
) -> None:
    """Run `func(*args)` on a worker once the current transaction commits (at once outside one).

    With `BRANDKIT_QUEUE_MODE = "inline"` (some tests) an immediate job runs in-process on
    commit, and a delayed one is left to the sweep, as a lost job would be. `replace_started`:
    a job of this id that a worker started is taken for dead and replaced (the sweep's re-send of
    a generation nobody claimed for minutes; see `_delete_dead_job`).
    """

    def send() -> None:
        if settings.BRANDKIT_QUEUE_MODE == "inline":
            if delay_seconds <= 0:
                func(*args)
            return
        try:
            _send_unless_pending(
                func,
                args,
                job_id=job_id,
                delay_seconds=delay_seconds,
                replace_started=replace_started,
            )
        except redis.RedisError:
            # The row stays queued; the sweep re-sends it when Redis is back.
            logger.exception("Could not enqueue %s; the sweep will retry it", job_id)

    transaction.on_commit(send)


def _send_unless_pending(
    func: Callable[..., object],
    args: tuple[int, ...],
    *,
    job_id: str,
    delay_seconds: float,
    replace_started: bool = False,
) -> None:
    """Send the job, unless a job with its id is still queued, scheduled or running."""
    try:
        _send(func, args, job_id=job_id, delay_seconds=delay_seconds)
    except DuplicateJobError:
        # Usually this attempt is still queued or scheduled: nothing to do. But a job that failed
        # before it claimed the row (Redis or the database blinked) keeps its id for FAILURE_TTL
        # and would block every re-send by the sweep for that long, so it is replaced.
        if not _delete_dead_job(job_id, started_is_dead=replace_started):
            return
        with contextlib.suppress(DuplicateJobError):  # another sender took the freed id first
            _send(func, args, job_id=job_id, delay_seconds=delay_seconds)


def _send(
    func: Callable[..., object], args: tuple[int, ...], *, job_id: str, delay_seconds: float
) -> None:
    queue = get_queue()
    options = {
        "job_id": job_id,
        "unique": True,
        "job_timeout": job_timeout_seconds(),
        "result_ttl": RESULT_TTL,
        "failure_ttl": FAILURE_TTL,
    }
    if delay_seconds > 0:
        # Called from on_commit, so the schedule cannot precede the commit (django-rq #821).
        queue.enqueue_in(timedelta(seconds=delay_seconds), func, *args, **options)
    else:
        queue.enqueue(func, *args, **options)


def _delete_dead_job(job_id: str, *, started_is_dead: bool = False) -> bool:
    """Delete the job `job_id` if it will never run again; True when the id is free now.

    `started_is_dead`: a STARTED job counts as dead too. A worker SIGKILLed after it dequeued a
    job but before the job claimed its generation leaves the job STARTED in RQ for the whole job
    timeout (15 minutes and more), and the generation `queued` with no job that will run. The
    sweep re-sends only a generation nobody claimed or deferred for GENERATION_STALE_QUEUED_SECONDS,
    far longer than a live worker holds a job before claiming it (SLOT_WAIT_SECONDS); should one
    still be alive, the claim's compare-and-set lets only one of the two run."""
    try:
        job = Job.fetch(job_id, connection=get_connection())
    except NoSuchJobError:
        return True
    dead = DEAD_JOB_STATUSES | ({JobStatus.STARTED} if started_is_dead else set())
    if job.get_status(refresh=False) not in dead:
        return False
    job.delete()
    return True
