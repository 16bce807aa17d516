"""A per-process bound on full image decodes, for the thread-pool worker.

A worker holds up to WORKER_THREADS provider calls at once, and answers tend to arrive together.
Decoding a 2K image takes ~12 MB of pixels and a core's worth of CPU for a moment, so 50 threads
decoding at once would need ~600 MB and gain nothing on a few cores. The decodes therefore take
one of IMAGE_WORK_THREADS slots (default: the CPU count, at least 2); the calls themselves,
which only wait, are not bounded here.

Reading a large reply (a base64 image inside JSON: its text, then its decoded bytes) takes one of
as many separate reply slots (`reply_work`, providers/replies.py), so a wave of 50 answers waits
on disk rather than in memory. The two kinds are separate semaphores because a reply slot is held
while the verify inside it takes an image slot; nothing holding an image slot waits for a reply
slot, so they cannot deadlock.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

_lock = threading.Lock()
_semaphores: dict[str, threading.BoundedSemaphore] = {}


def slot_count() -> int:
    return getattr(settings, "IMAGE_WORK_THREADS", 0) or max(2, os.cpu_count() or 2)


def _semaphore(kind: str = "image") -> threading.BoundedSemaphore:
    with _lock:
        semaphore = _semaphores.get(kind)
        if semaphore is None:
            semaphore = _semaphores[kind] = threading.BoundedSemaphore(slot_count())
        return semaphore


@contextmanager
def image_work() -> Iterator[None]:
    """Hold one decode slot for the block."""
    slots = _semaphore()
    with slots:
        yield


@contextmanager
def reply_work() -> Iterator[None]:
    """Hold one reply slot for the block (parsing a large provider reply)."""
    with _semaphore("reply"):
        yield
