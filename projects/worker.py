"""The RQ worker class Brandkit runs: many jobs at once on a thread pool, in one process.

Generation jobs spend seconds to minutes waiting on a provider, so one job per process (RQ's
`Worker`/`SimpleWorker`) would need a process per call to reach a provider's limit. This worker
dequeues on its main thread and runs each job on one of WORKER_THREADS threads (CVAT's RQ
thread-pool worker is the same pattern). What that changes, and how each guarantee is kept:

- Database: Django connections are per thread; each job closes stale ones at its start and end
  (projects/jobs.py), and the run hands its connection back during the provider call.
- Timeouts: RQ's SIGALRM death penalty only works on the main thread. Calls are bounded by the
  HTTP clients' own timeouts instead, and a run stuck past `generation_deadline` is swept.
- Liveness: projects/liveness.py renews the `deadline_at` and provider leases of the calls in
  flight; a SIGKILLed worker's generations are swept about a minute later.
- Maintenance (RQ's registry cleaning and scheduler take-over, plus our sweep) runs every
  WORKER_MAINTENANCE_SECONDS whether the worker is idle or full, whatever `--worker-ttl` says.
- Redis outages: the loop reconnects with backoff instead of exiting.
- SIGTERM: no new jobs; calls in flight get WORKER_DRAIN_SECONDS to finish; whatever still runs is
  re-queued visibly (a lost attempt) and the process exits. A second signal skips the wait.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import redis
from django.conf import settings
from django.db import close_old_connections, connections
from rq.exceptions import StopRequested
from rq.job import Job
from rq.queue import Queue
from rq.timeouts import BaseDeathPenalty
from rq.utils import now as utcnow
from rq.worker import DequeueStrategy, SimpleWorker, WorkerStatus, signal_name

logger = logging.getLogger(__name__)

# The worker's Redis key lives worker_ttl + 60 s between heartbeats. django-rq's rqworker passes
# --worker-ttl 420 by default, which would also stretch the idle dequeue to 405 s; we cap both.
IDLE_WORKER_TTL = 60
# A full pool is polled this often for a free thread, heartbeating and maintaining meanwhile.
SLOT_POLL_SECONDS = 1.0
MAX_REDIS_BACKOFF_SECONDS = 30.0


class NoDeathPenalty(BaseDeathPenalty):
    """Job timeouts come from the HTTP clients' timeouts (SIGALRM cannot reach a pool thread)."""

    def setup_death_penalty(self) -> None:
        pass

    def cancel_death_penalty(self) -> None:
        pass


class BrandkitWorker(SimpleWorker):
    death_penalty_class = NoDeathPenalty

    def __init__(self, *args: Any, threads: int | None = None, **kwargs: Any) -> None:
        kwargs["maintenance_interval"] = settings.WORKER_MAINTENANCE_SECONDS
        kwargs["worker_ttl"] = min(kwargs.get("worker_ttl") or IDLE_WORKER_TTL, IDLE_WORKER_TTL)
        self.threads = threads or settings.WORKER_THREADS
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(self.threads)
        self._futures: set[Future[None]] = set()
        self._futures_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._force_stop = False
        # A stop signal raises StopRequested only while the main thread waits (for a thread or a
        # job), never between dequeuing a job and handing it to a thread.
        self._interruptible = False

    @property
    def dequeue_timeout(self) -> int:
        # An idle worker wakes at least once per maintenance interval.
        return max(1, min(self.worker_ttl - 15, settings.WORKER_MAINTENANCE_SECONDS))

    # --- the loop -------------------------------------------------------------------------

    def work(
        self,
        burst: bool = False,
        logging_level: str | None = None,
        date_format: str = "%H:%M:%S",
        log_format: str = "%(asctime)s %(message)s",
        max_jobs: int | None = None,
        max_idle_time: int | None = None,
        with_scheduler: bool = False,
        dequeue_strategy: DequeueStrategy = DequeueStrategy.DEFAULT,
    ) -> bool:
        self.bootstrap(logging_level, date_format, log_format)
        self._dequeue_strategy = dequeue_strategy
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="brandkit-job")
        started = 0
        backoff = 1.0
        if with_scheduler:
            self._start_scheduler(burst, logging_level, date_format, log_format)
        self._install_signal_handlers()
        try:
            while not self._stop_requested:
                try:
                    self.check_for_suspension(burst)
                    if self.should_run_maintenance_tasks:
                        self.run_maintenance_tasks()
                    if not self._take_slot():
                        break
                    self._interruptible = True
                    try:
                        result = self.dequeue_job_and_maintain_ttl(
                            None if burst else self.dequeue_timeout, max_idle_time
                        )
                    except BaseException:
                        self._slots.release()
                        raise
                    finally:
                        self._interruptible = False
                    if result is None:
                        self._slots.release()
                        if burst and self._running():
                            self._wait_for_any()  # a running job may still enqueue another
                            continue
                        if burst or max_idle_time is not None:
                            break
                        continue
                    self._submit(*result)
                    started += 1
                    backoff = 1.0
                    if max_jobs is not None and started >= max_jobs:
                        break
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    logger.error(
                        "Worker %s: Redis unavailable (%s); retrying in %.0f s",
                        self.name,
                        exc,
                        backoff,
                    )
                    time.sleep(backoff)
                    backoff = min(backoff * 2, MAX_REDIS_BACKOFF_SECONDS)
                except StopRequested:
                    break
                except SystemExit:
                    raise
                except Exception:
                    logger.exception("Worker %s: unexpected error in the work loop", self.name)
                    time.sleep(1.0)
        finally:
            self._finish(burst=burst)
        return bool(started)

    def _take_slot(self) -> bool:
        """Wait for a free thread, heartbeating and maintaining meanwhile; False when stopping."""
        while not self._acquire_slot():
            if self._stop_requested:
                return False
            self.heartbeat()
            if self.should_run_maintenance_tasks:
                self.run_maintenance_tasks()
        if self._stop_requested:
            self._slots.release()
            return False
        return True

    def _acquire_slot(self) -> bool:
        self._interruptible = True
        try:
            return self._slots.acquire(timeout=SLOT_POLL_SECONDS)
        finally:
            self._interruptible = False

    def _submit(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        assert self._executor is not None  # noqa: S101 (set at the top of work())
        future = self._executor.submit(self._perform, job, queue, execution)
        with self._futures_lock:
            self._futures.add(future)
        future.add_done_callback(self._done)

    def _perform(self, job: Job, queue: Queue, execution: Any) -> None:
        close_old_connections()
        try:
            self.perform_job(job, queue, execution)
        finally:
            # This thread's connections: never carried broken or idle into the next job.
            connections.close_all()

    def _done(self, future: Future[None]) -> None:
        with self._futures_lock:
            self._futures.discard(future)
            idle = not self._futures
        self._slots.release()
        if idle:
            with contextlib.suppress(redis.RedisError):
                self.set_state(WorkerStatus.IDLE)

    def _running(self) -> list[Future[None]]:
        with self._futures_lock:
            return list(self._futures)

    def _wait_for_any(self) -> None:
        running = self._running()
        if running:
            wait(running, timeout=SLOT_POLL_SECONDS, return_when=FIRST_COMPLETED)

    def execute_job(self, job: Job, queue: Queue) -> None:
        """RQ's single-job entry point (used by `Worker.work` callers and tests): run on a thread
        and wait for it."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="brandkit-job")
        self._slots.acquire()
        self._submit(job, queue)
        wait(self._running())

    # --- stopping ------------------------------------------------------------------------

    def request_stop(self, signum: int, frame: Any) -> None:
        """Warm shutdown: take no new job; `_finish` drains the calls in flight."""
        logger.info("Worker %s: %s received; draining", self.name, signal_name(signum))
        self._shutdown_requested_date = utcnow()
        self._stop_requested = True
        signal.signal(signal.SIGINT, self.request_force_stop)
        signal.signal(signal.SIGTERM, self.request_force_stop)
        if self._interruptible:
            raise StopRequested()

    def request_force_stop(self, signum: int, frame: Any) -> None:
        """A second signal: skip the rest of the drain, re-queue what runs, and exit."""
        logger.warning("Worker %s: %s received again; stopping now", self.name, signal_name(signum))
        self._force_stop = True
        if self._interruptible:
            raise StopRequested()

    def _finish(self, *, burst: bool) -> None:
        self._interruptible = True  # a second signal may cut the drain short
        try:
            running = self._running()
            if running and not self._force_stop:
                # A burst run (tests, `--burst`) waits for its jobs; a stopping worker only so long.
                stopping = self._stop_requested
                timeout = settings.WORKER_DRAIN_SECONDS if stopping or not burst else None
                logger.info("Worker %s: waiting for %d jobs in flight", self.name, len(running))
                wait(running, timeout=timeout)
        except StopRequested:
            pass
        self._interruptible = False
        stuck = bool(self._running())
        if stuck:
            self._requeue_in_flight()
        try:
            self.teardown()
        except redis.RedisError:
            logger.warning("Worker %s: could not unregister from Redis", self.name)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        if stuck:
            # Threads still blocked in provider calls would hold the interpreter's exit until
            # their read timeout; their generations are re-queued already, so end the process.
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    def _requeue_in_flight(self) -> None:
        from projects import liveness
        from projects.services.generation_sweeps import generation_requeue_interrupted

        entries = liveness.in_flight()
        for entry in entries:
            try:
                generation_requeue_interrupted(
                    generation_id=entry.generation_id, attempt=entry.attempt
                )
            except Exception:
                # The sweep re-queues it once its deadline lapses.
                logger.exception("Could not re-queue generation %s", entry.generation_id)
        connections.close_all()
        logger.warning(
            "Worker %s: stopped with %d calls in flight; re-queued them", self.name, len(entries)
        )

    # --- maintenance ---------------------------------------------------------------------

    def run_maintenance_tasks(self) -> None:
        try:
            super().run_maintenance_tasks()
        except redis.RedisError:
            logger.warning("Worker %s: RQ maintenance failed (Redis)", self.name, exc_info=True)
        from projects.services.generation_sweeps import generation_sweep

        try:
            report = generation_sweep()
            if report.total:
                logger.info("Sweep: %s", report)
        except Exception:
            logger.exception("The generation sweep failed; it runs again at the next maintenance")
        try:
            from projects.services.webhook_events import webhook_deliveries_sweep

            webhook_deliveries_sweep()
        except Exception:
            logger.exception("The webhook sweep failed; it runs again at the next maintenance")
        finally:
            connections.close_all()
