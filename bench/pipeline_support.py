"""Plumbing of bench/pipeline.py: database, Redis, the fake provider, worker processes and the
statistics. Nothing here imports Django models at import time, so the benchmark
can set the environment before `django.setup()`.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.contract.fake_provider import FakeProviderServer, make_jpeg  # noqa: E402

BENCH_DATABASE = "brandkit_bench"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
WORKER_START_SECONDS = 60.0
WORKER_STOP_SECONDS = 15.0


# --- statistics -----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction 0.5 = median-ish, 0.95 = p95); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# --- database and Redis ---------------------------------------------------------------------


@dataclass
class Database:
    url: str
    kind: str  # "postgres" or "sqlite"
    source: str  # what was chosen and why, for the report
    created: bool = False  # True: this run created the database and drops it at the end
    name: str = ""  # the database this run created


def choose_database(tmp: Path) -> Database:
    """DATABASE_URL if set; else a fresh `brandkit_bench` on the local PostgreSQL; else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        kind = "sqlite" if url.startswith("sqlite") else "postgres"
        return Database(url, kind, "DATABASE_URL from the environment")
    try:
        import psycopg
        from psycopg import sql

        # A name of this run's own: it never drops (or reuses) a database it did not create.
        created_name = f"{BENCH_DATABASE}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(
            f"{POSTGRES_SERVER}/postgres", connect_timeout=3, autocommit=True
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(created_name)))
    except (ImportError, OSError, Exception) as exc:  # noqa: BLE001 (any failure: fall back)
        path = tmp / "bench.sqlite3"
        return Database(
            f"sqlite:///{path}",
            "sqlite",
            f"SQLite in {path} (PostgreSQL at 127.0.0.1:5432 did not answer: "
            f"{type(exc).__name__}); SQLite serialises writes, so 4 workers queue on its lock",
        )
    return Database(
        f"{POSTGRES_SERVER}/{created_name}",
        "postgres",
        f"PostgreSQL database {created_name} on 127.0.0.1:5432, created for this run",
        created=True,
        name=created_name,
    )


def drop_database(database: Database) -> None:
    if not database.created or not database.name:
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3, autocommit=True) as c:
        name = sql.Identifier(database.name)
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def start_redis(tmp: Path) -> tuple[str, subprocess.Popen[bytes] | None, str]:
    """REDIS_URL if set, else the embedded redis-server (as `manage.py serve` starts it)."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url, None, "REDIS_URL from the environment"
    from brandkit.management.commands.serve import start_embedded_redis

    socket_path = tmp / "redis" / "redis.sock"
    process = start_embedded_redis(socket_path)
    return f"unix://{socket_path}", process, f"embedded redis-server on {socket_path}"


def stop_process(process: subprocess.Popen[bytes] | None, *, timeout: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# --- the fake provider ----------------------------------------------------------------------


class BenchFake(FakeProviderServer):
    """The loopback fake with a JPEG encoded once per size and a distinct file per reply.

    `make_jpeg` is cached, so the fake never re-encodes; but identical bytes would let the
    content-addressed storage skip every write after the first. Each reply therefore carries a
    JPEG comment (COM) segment with a serial number: different bytes and sha256, same pixels,
    no encoding cost.
    """

    def __init__(self, *, latency: float) -> None:
        super().__init__(latency=latency, image_size=(256, 256))
        self._jpeg = b""
        self._serial = itertools.count()

    def serve_size(self, side: int) -> int:
        """Serve side x side JPEGs from now on; returns the file size in bytes."""
        self._jpeg = make_jpeg((side, side), 0)
        self.image_size = (side, side)
        self.reset()
        return len(self._jpeg)

    def image_bytes(self, index: int) -> bytes:
        tag = f"brandkit bench {next(self._serial)} {index}".encode()
        segment = b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag
        return self._jpeg[:2] + segment + self._jpeg[2:]


# --- environment and worker processes -------------------------------------------------------


def django_environment(
    *, database_url: str, redis_url: str, tmp: Path, ark_base_url: str, workers: int
) -> dict[str, str]:
    """The variables the bench process and its workers share (set before django.setup())."""
    return {
        "DJANGO_SETTINGS_MODULE": "brandkit.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BRANDKIT_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "ARK_BASE_URL": ark_base_url,
        "ARK_API_KEY": "bench-key",
        "BRANDKIT_DEFAULT_PROVIDER": "ark",
        # The fake provider is on loopback, which the connect-time address vetting refuses
        # unless allow-listed (the bench broke when that vetting landed and nobody ran it).
        "PROVIDER_API_ALLOWED_HOSTS": "127.0.0.1",
        "PROVIDER_DOWNLOAD_ALLOWED_HOSTS": "127.0.0.1",
        # Our limits must not throttle the measurement: W slots, no per-minute cap.
        "ARK_MAX_CONCURRENT": str(max(workers, 4)),
        "ARK_IMAGES_PER_MINUTE": "0",
        # As the Dockerfile and `serve` set it for workers (and the baselines get it too).
        "MALLOC_ARENA_MAX": "2",
    }


def start_workers(
    count: int, *, env: dict[str, str], log_dir: Path, profile: bool
) -> list[subprocess.Popen[bytes]]:
    """W `manage.py rqworker default --with-scheduler` processes (BrandkitWorker, as deployed);
    with `profile`, the same command through bench/pipeline_profile.py's timers."""
    log_dir.mkdir(parents=True, exist_ok=True)
    command = ["manage.py", "rqworker", "default", "--with-scheduler"]
    if profile:
        command = [str(ROOT / "bench" / "pipeline_profile.py"), *command[1:]]
    processes = []
    for number in range(count):
        with (log_dir / f"worker-{number}.log").open("ab") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, *command],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # the worker and its scheduler child: one group
                )
            )
    return processes


def wait_workers_registered(processes: list[subprocess.Popen[bytes]]) -> None:
    from rq import Worker

    from projects.queue import get_connection, get_queue

    wanted = {process.pid for process in processes}
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        dead = [process.pid for process in processes if process.poll() is not None]
        if dead:
            raise RuntimeError(f"worker process(es) {dead} exited at start-up; see the logs")
        workers = Worker.all(connection=get_connection(), queue=get_queue())
        if wanted <= {worker.pid for worker in workers}:
            return
        time.sleep(0.2)
    raise RuntimeError(f"workers did not register within {WORKER_START_SECONDS:.0f} s")


def peak_memory_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a live process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (RQ's warm shutdown), then SIGKILL to each worker's own process group."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + WORKER_STOP_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # also its scheduler child, if left behind
        if process.poll() is None:
            process.wait(timeout=5)
