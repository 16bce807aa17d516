"""Keep child processes running: `serve` starts its RQ workers through this.

A worker that exits (a crash, an out-of-memory kill, a bug that escapes its own reconnect loop)
is started again after a backoff that grows while it keeps failing fast, so a broken
configuration does not spin the CPU, and resets once a child has stayed up for a while.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# A child up this long counts as healthy: its next exit restarts it at the first backoff again.
HEALTHY_AFTER_SECONDS = 30.0
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
POLL_SECONDS = 0.5


@dataclass
class _Child:
    start: Callable[[], subprocess.Popen[bytes]]
    process: subprocess.Popen[bytes]
    started_at: float = field(default_factory=time.monotonic)
    backoff: float = FIRST_BACKOFF_SECONDS
    restart_at: float | None = None
    restarts: int = 0


class Supervisor:
    """Start children with `start()` callables and restart any that exits, until `stop()`."""

    def __init__(self, starters: Sequence[Callable[[], subprocess.Popen[bytes]]]) -> None:
        self._children = [_Child(start=start, process=start()) for start in starters]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        with self._lock:
            return [child.process for child in self._children]

    def restarts(self) -> int:
        with self._lock:
            return sum(child.restarts for child in self._children)

    def _watch(self) -> None:
        while not self._stopping.wait(POLL_SECONDS):
            with self._lock:
                for child in self._children:
                    self._check(child)

    def _check(self, child: _Child) -> None:
        now = time.monotonic()
        if child.restart_at is None:
            code = child.process.poll()
            if code is None:
                return
            if now - child.started_at >= HEALTHY_AFTER_SECONDS:
                child.backoff = FIRST_BACKOFF_SECONDS
            logger.warning(
                "Child %s exited with %s; restarting in %.0f s",
                child.process.pid,
                code,
                child.backoff,
            )
            child.restart_at = now + child.backoff
            child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)
            return
        if now >= child.restart_at and not self._stopping.is_set():
            child.process = child.start()
            child.started_at = now
            child.restart_at = None
            child.restarts += 1

    def stop(self, *, timeout: float) -> None:
        """Stop restarting, SIGTERM every child, and SIGKILL those still up after `timeout`."""
        self._stopping.set()
        self._thread.join(timeout=POLL_SECONDS * 4)
        processes = self.processes
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
