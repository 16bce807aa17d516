"""Proof of life for the provider calls this process has in flight.

A claimed generation's `deadline_at` lies only GENERATION_LIVENESS_SECONDS ahead, and its provider
rate-limit lease only PROVIDER_LEASE_SECONDS. While a call is in flight, one daemon thread per
process pushes both forward every few seconds, for every call at once (one UPDATE, one Redis
script per provider). When the process dies, SIGKILL included, the renewals stop: the sweep
(projects/services/generation_sweeps.py) finds the generation within about a minute and re-queues
it as a lost attempt, and the provider slot frees itself. A live worker never loses either, however
long the provider takes, up to the attempt's hard deadline (`generation_deadline`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from projects.ratelimit import ProviderLimiter

logger = logging.getLogger(__name__)

# Renewals run this many times per liveness period, so a missed one or two (a database or Redis
# blink) do not let a live call look dead.
RENEWALS_PER_PERIOD = 3
# After a failed renewal, try again this soon rather than a whole period later.
RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class InFlight:
    generation_id: int
    attempt: int
    hard_deadline: datetime  # never renewed past this: the attempt is over by then, alive or not
    limiter: ProviderLimiter | None = None
    lease_id: str = ""


class _Registry:
    """This process's calls in flight, and the thread that keeps them alive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, InFlight] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, entry: InFlight) -> None:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child inherits its parent's entries but neither their calls nor the
                # renewing thread.
                self._pid = os.getpid()
                self._entries = {}
                self._thread = None
            self._entries[entry.generation_id] = entry
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="brandkit-liveness", daemon=True
                )
                self._thread.start()

    def remove(self, entry: InFlight) -> None:
        with self._lock:
            if self._entries.get(entry.generation_id) == entry:
                del self._entries[entry.generation_id]

    def snapshot(self) -> list[InFlight]:
        with self._lock:
            return list(self._entries.values())

    def _run(self) -> None:
        period = settings.GENERATION_LIVENESS_SECONDS / RENEWALS_PER_PERIOD
        while True:
            self._wake.wait(period)
            self._wake.clear()
            entries = self.snapshot()
            if not entries:
                continue
            if not renew(entries):
                self._wake.wait(RETRY_SECONDS)
                self._wake.set()


_registry = _Registry()


def renew(entries: list[InFlight]) -> bool:
    """Push the deadlines and leases of `entries` forward; False when something failed."""
    ok = True
    now = timezone.now()
    alive_until = now + timedelta(seconds=settings.GENERATION_LIVENESS_SECONDS)
    renewable = [entry for entry in entries if entry.hard_deadline > alive_until]
    if renewable:
        from projects.choices import GenerationStatus
        from projects.models import Generation

        # Only the attempt this process runs: a generation swept and re-claimed elsewhere meanwhile
        # belongs to its new attempt.
        match = Q()
        for entry in renewable:
            match |= Q(pk=entry.generation_id, attempts=entry.attempt)
        try:
            Generation.objects.filter(match, status=GenerationStatus.RUNNING).update(
                deadline_at=alive_until
            )
        except DatabaseError:
            logger.warning("Could not renew generation deadlines; retrying", exc_info=True)
            ok = False
        finally:
            # This thread's connection: never left broken or idle between renewals.
            connection.close()
    by_limiter: dict[str, tuple[ProviderLimiter, list[str]]] = {}
    for entry in entries:
        if entry.limiter is not None and entry.lease_id:
            key = entry.limiter.leases_key
            by_limiter.setdefault(key, (entry.limiter, []))[1].append(entry.lease_id)
    for limiter, lease_ids in by_limiter.values():
        try:
            limiter.renew(lease_ids=lease_ids, lease_seconds=settings.PROVIDER_LEASE_SECONDS)
        except redis.RedisError:
            logger.warning("Could not renew provider leases; retrying", exc_info=True)
            ok = False
    return ok


@contextlib.contextmanager
def tracking(entry: InFlight) -> Iterator[None]:
    """Keep `entry`'s generation and lease alive for as long as the block runs."""
    _registry.add(entry)
    try:
        yield
    finally:
        _registry.remove(entry)


def in_flight() -> list[InFlight]:
    """The calls this process has in flight now (a stopping worker re-queues them)."""
    return _registry.snapshot()
