"""A per-process bound on database connections held by job threads.

A thread-pool worker runs up to WORKER_THREADS jobs, but a job only needs the database for short
moments (read and claim the row, write the result); in between it waits on a provider slot or on
the provider for seconds to minutes. A job therefore holds one of WORKER_DB_CONNECTIONS slots
while it uses the database and gives it back, closing its connection, while it waits
(`released`). Without this, 4 workers x 50 threads would open 200 connections and exhaust a
PostgreSQL server's `max_connections` (100 by default), failing every job at once.

Outside a worker (web requests, tests, commands) `session` still bounds and `released` still
closes, but never inside an atomic block, whose connection must stay open.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_held = threading.local()


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    with _lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, settings.WORKER_DB_CONNECTIONS))
        return _slots


def _close_connection() -> None:
    if not connection.in_atomic_block:
        connection.close()


@contextmanager
def session() -> Iterator[None]:
    """Hold a database slot for the block (re-entrant); the connection is closed at the end."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    slots = _semaphore()
    slots.acquire()
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        try:
            _close_connection()
        finally:
            slots.release()


@contextmanager
def released() -> Iterator[None]:
    """Give this thread's slot (and connection) back for a wait; take a slot again after it."""
    depth = getattr(_held, "depth", 0)
    _close_connection()
    if not depth or connection.in_atomic_block:
        yield
        return
    slots = _semaphore()
    _held.depth = 0
    slots.release()
    try:
        yield
    finally:
        slots.acquire()
        _held.depth = depth
