"""A per-process bound on full image decodes, for the thread-pool worker.

A worker holds up to WORKER_THREADS provider calls at once, and answers tend to arrive together.
Decoding a 2K image takes ~12 MB of pixels and a core's worth of CPU for a moment, so 50 threads
decoding at once would need ~600 MB and gain nothing on a few cores. The decodes therefore take
one of IMAGE_WORK_THREADS slots (default: the CPU count, at least 2); the calls themselves,
which only wait, are not bounded here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    with _lock:
        if _slots is None:
            size = getattr(settings, "IMAGE_WORK_THREADS", 0) or max(2, os.cpu_count() or 2)
            _slots = threading.BoundedSemaphore(size)
        return _slots


@contextmanager
def image_work() -> Iterator[None]:
    """Hold one decode slot for the block."""
    slots = _semaphore()
    with slots:
        yield
