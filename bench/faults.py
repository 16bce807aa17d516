#!/usr/bin/env python3
"""Faults injected from outside into the production shape, one fresh deployment per fault.

    .venv/bin/python bench/faults.py                          # every fault, 40 generations each
    .venv/bin/python bench/faults.py --faults sigkill,flaky --count 20

Each fault gets its own deployment: a new PostgreSQL database, a Redis server of its own (append
-only file on, so a restart keeps its data unless the fault removes it), gunicorn serving the app,
4 `manage.py rqworker default --with-scheduler` processes (BrandkitWorker, as docker-compose runs
them) and the loopback fake ModelArk answering each call after `--latency` seconds (3 s), with the
settings' defaults for everything else (liveness, leases, sweeps, retries). N generations are
queued; once calls are in flight the fault is injected from this process:

- sigkill: one worker process group SIGKILLed (its scheduler child too); a supervisor (docker's
  restart policy) starts a new one 2 s later;
- sigterm: one worker SIGTERMed; it drains, exits, and a new one is started;
- redis-restart: Redis stopped (SIGTERM) and started again on the same data;
- redis-flush: Redis killed and started again with its data gone;
- pg-terminate: every database connection of the app terminated, twice, 3 s apart;
- flaky: the provider answers 429, then 500, to the first eight calls.

The bar (issue 11): every generation succeeded exactly once (one version each, every provider call
a recorded attempt, one succeeded attempt each) within 3 minutes of the fault, and the web still
answers. Prints one line per fault and exits 1 if any missed the bar.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pipeline import build_studio, request_generations  # noqa: E402
from bench.pipeline_support import (  # noqa: E402
    BenchFake,
    choose_database,
    django_environment,
    drop_database,
    start_workers,
    stop_process,
    stop_workers,
    wait_workers_registered,
)
from tests.projects.worker_support import RedisServer, free_port  # noqa: E402

FAULTS = ("sigkill", "sigterm", "redis-restart", "redis-flush", "pg-terminate", "flaky")
WORKERS = 4
BAR_SECONDS = 180.0
SIDE = 1024


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faults", default=",".join(FAULTS), help="comma-separated, in order")
    parser.add_argument("--count", type=int, default=40, help="generations per fault (40)")
    parser.add_argument("--latency", type=float, default=3.0, help="seconds per provider call")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # run this one fault here
    return parser.parse_args(argv)


def terminate_app_connections(database_name: str) -> int:
    import psycopg

    from bench.pipeline_support import POSTGRES_SERVER

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name],
        ).fetchall()
    return len(rows)


def web_answers(port: int) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/"
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


def exactly_once(ids: list[int], posts: int) -> tuple[bool, dict[str, Any]]:
    from projects.choices import AttemptOutcome, GenerationStatus
    from projects.models import AssetVersion, Generation, GenerationAttempt

    statuses = Counter(Generation.objects.filter(pk__in=ids).values_list("status", flat=True))
    versions = Counter(
        AssetVersion.objects.filter(generation_id__in=ids).values_list("generation_id", flat=True)
    )
    attempts = GenerationAttempt.objects.filter(generation_id__in=ids)
    outcomes = Counter(attempts.values_list("outcome", flat=True))
    facts = {
        "statuses": dict(statuses),
        "versions_per_generation": sorted(set(versions.values())) or [0],
        "attempts": attempts.count(),
        "provider_calls": posts,
        "attempt_outcomes": dict(outcomes),
    }
    ok = (
        statuses == Counter({GenerationStatus.SUCCEEDED: len(ids)})
        and versions == Counter(ids)
        and attempts.count() == posts
        and outcomes[AttemptOutcome.SUCCEEDED] == len(ids)
    )
    return ok, facts


def child(fault: str, args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"brandkit-faults-{fault}-"))
    os.environ.pop("DATABASE_URL", None)  # always a fresh database of this run's own
    database = choose_database(tmp)
    if database.kind != "postgres":
        raise RuntimeError("the production shape needs PostgreSQL on 127.0.0.1:5432")
    redis_server = RedisServer(tmp / "redis", persistent=True)
    redis_server.start()
    fake = BenchFake(latency=args.latency)
    fake.start()
    fake.serve_size(SIDE)
    env = django_environment(
        database_url=database.url, redis_url=redis_server.url, tmp=tmp,
        ark_base_url=fake.ark_base_url, workers=WORKERS,
    )  # fmt: skip
    # Production mode, as gunicorn runs it; plain http on loopback (a proxy terminates TLS).
    env.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": "faults-" + os.urandom(32).hex(),
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(tmp / "static"),
        }
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as the image's build does
    web_port = free_port()
    full_env = {**os.environ}
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "brandkit.wsgi", "--bind", f"127.0.0.1:{web_port}",
         "--workers", "2", "--timeout", "60"],
        cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers = start_workers(WORKERS, env=full_env, log_dir=tmp / "logs", profile=False)
    result: dict[str, Any] = {"fault": fault}
    try:
        wait_workers_registered(workers)
        user, campaign = build_studio()
        if fault == "flaky":
            from tests.contract.fake_replies import Fault

            fake.script(*[Fault.RATE_LIMITED, Fault.SERVER_ERROR] * 4)
        ids = request_generations(user=user, campaign=campaign, side=SIDE, count=args.count)
        deadline = time.monotonic() + 60
        while len(fake.posts()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.05)
        fault_at = time.monotonic()
        if fault in ("sigkill", "sigterm"):
            victim = workers[0]
            if fault == "sigkill":
                os.killpg(victim.pid, signal.SIGKILL)
                victim.wait(timeout=10)
                time.sleep(2)
            else:
                victim.send_signal(signal.SIGTERM)
                victim.wait(timeout=60)
            workers[0:1] = start_workers(1, env=full_env, log_dir=tmp / "logs-new", profile=False)
        elif fault in ("redis-restart", "redis-flush"):
            redis_server.stop(lose_data=fault == "redis-flush")
            time.sleep(2)
            redis_server.start()
        elif fault == "pg-terminate":
            result["terminated"] = terminate_app_connections(database.name)
            time.sleep(3)
            result["terminated"] += terminate_app_connections(database.name)
        from django.db import DatabaseError, connections

        from projects.choices import GenerationStatus
        from projects.models import Generation

        done_at = None
        while time.monotonic() - fault_at < BAR_SECONDS + 60:
            try:
                finished = Generation.objects.filter(
                    pk__in=ids, status__in=[GenerationStatus.SUCCEEDED, GenerationStatus.FAILED]
                ).count()
            except DatabaseError:  # this process's own connection was terminated too
                connections.close_all()
                continue
            if finished == len(ids):
                done_at = time.monotonic()
                break
            time.sleep(0.5)
        connections.close_all()
        ok, facts = exactly_once(ids, len(fake.posts()))
        seconds = (done_at - fault_at) if done_at else None
        result.update(facts)
        result["seconds_after_fault"] = round(seconds, 1) if seconds is not None else None
        result["web_answers"] = web_answers(web_port)
        result["passed"] = bool(ok and seconds is not None and seconds <= BAR_SECONDS)
        result["passed"] = result["passed"] and result["web_answers"]
        result["logs"] = str(tmp) if not result["passed"] else ""
    finally:
        stop_workers(workers)
        stop_process(web)
        fake.stop()
        from django.db import connections

        connections.close_all()
        redis_server.stop()
        drop_database(database)
        if result.get("passed"):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    faults = [name for name in args.faults.split(",") if name]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise SystemExit(
            f"unknown faults: {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}"
        )
    print(f"{'fault':14} {'result':6} {'after fault':>11} {'calls':>6}  statuses / attempts")
    failed = []
    for fault in faults:
        command = [sys.executable, __file__, "--child", fault, "--count", str(args.count)]
        command += ["--latency", str(args.latency)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = done.stdout.strip().splitlines()
        if done.returncode or not lines:
            print(f"{fault:14} ERROR  (the run crashed)\n{done.stderr[-3000:]}")
            failed.append(fault)
            continue
        row = json.loads(lines[-1])
        seconds = row["seconds_after_fault"]
        print(
            f"{fault:14} {'PASS' if row['passed'] else 'FAIL':6} "
            f"{(f'{seconds:.1f} s' if seconds is not None else 'never'):>11} "
            f"{row['provider_calls']:>6}  {row['statuses']} / {row['attempt_outcomes']}"
            f"{'' if row['web_answers'] else '  (web did not answer)'}"
        )
        if not row["passed"]:
            failed.append(fault)
            print(
                f"    versions per generation {row['versions_per_generation']}, "
                f"{row['attempts']} attempts for {row['provider_calls']} calls; logs {row['logs']}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
