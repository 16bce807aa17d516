"""A saturated provider may hold only PROVIDER_SLOT_WAITERS threads of a worker waiting for its
next slot; its other jobs are deferred at once, so another provider's jobs still get threads."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from projects.services import generation_runs


class FakeLimiter:
    """A provider's limiter: full (retry in 1 s) until `free` is set; counts who waits."""

    def __init__(self, provider: str, *, full: bool) -> None:
        self.provider = provider
        self.free = threading.Event()
        if not full:
            self.free.set()
        self.waiting: set[int] = set()
        self.lock = threading.Lock()

    def try_acquire(self, *, lease_id: str, images: int, lease_seconds: float) -> float:
        return 0.0 if self.free.is_set() else 1.0

    def wait_for_release(self, timeout: float) -> None:
        with self.lock:
            self.waiting.add(threading.get_ident())
        self.free.wait(timeout)


@pytest.fixture
def two_waiters(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PROVIDER_SLOT_WAITERS = 2
    monkeypatch.setattr(generation_runs, "_waiters_by_provider", {})


def _acquire_in_thread(limiter: FakeLimiter, results: list[float]) -> threading.Thread:
    def run() -> None:
        results.append(generation_runs._acquire_slot(limiter, lease_id="lease", images=1))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_only_the_allowed_number_of_threads_wait_for_a_full_provider(two_waiters: None) -> None:
    ark = FakeLimiter("ark", full=True)
    results: list[float] = []
    threads = [_acquire_in_thread(ark, results) for _ in range(5)]
    deadline = time.monotonic() + 5
    while len(results) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    # Three were turned back at once with the limiter's wait (their jobs are deferred) ...
    assert results == [1.0, 1.0, 1.0]
    assert len(ark.waiting) == 2  # ... and two threads wait for the next slot.

    # Meanwhile another provider's job gets its slot on a free thread without waiting.
    fal_results: list[float] = []
    _acquire_in_thread(FakeLimiter("fal", full=False), fal_results).join(timeout=5)
    assert fal_results == [0.0]

    ark.free.set()  # a call ends: the waiters take slots
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(results) == [0.0, 0.0, 1.0, 1.0, 1.0]


def test_a_waiter_place_is_given_back_after_the_wait(two_waiters: None) -> None:
    ark = FakeLimiter("ark", full=True)
    results: list[float] = []
    first = [_acquire_in_thread(ark, results) for _ in range(2)]
    deadline = time.monotonic() + 5
    while len(ark.waiting) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    ark.free.set()
    for thread in first:
        thread.join(timeout=5)
    ark.free.clear()
    # Both places are free again: two new jobs may wait, a third is turned back.
    second: list[float] = []
    later = [_acquire_in_thread(ark, second) for _ in range(3)]
    while not second and time.monotonic() < deadline + 5:
        time.sleep(0.01)
    assert second == [1.0]
    ark.free.set()
    for thread in later:
        thread.join(timeout=5)
    assert sorted(second) == [0.0, 0.0, 1.0]
