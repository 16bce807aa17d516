"""`manage.py rqworker ...` with section timers, for `bench/pipeline.py --profile`.

Wraps the steps of one generation (and RQ's own steps around it) with timers: wall time, and the
worker thread's CPU time as `cpu:<section>`. Appends one JSON line per job to
$BENCH_PROFILE_DIR/<pid>.jsonl. With BENCH_CPROFILE=1 it also runs cProfile for the worker's
whole life and dumps $BENCH_PROFILE_DIR/<pid>.prof at exit. The code under test is not changed:
the wrappers call the original functions.
"""

from __future__ import annotations

import atexit
import cProfile
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT_DIR = Path(os.environ.get("BENCH_PROFILE_DIR", "."))
_current: dict[str, float] = {}


def _timed(section: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            cpu = time.thread_time() - cpu_started
            _current[section] = _current.get(section, 0.0) + elapsed
            _current[f"cpu:{section}"] = _current.get(f"cpu:{section}", 0.0) + cpu

    return wrapper


def _patch(owner: Any, name: str, section: str) -> None:
    setattr(owner, name, _timed(section, getattr(owner, name)))


def _flush(job_seconds: float, job_cpu: float) -> None:
    record = {"job": job_seconds, "cpu:job": job_cpu, **_current}
    with (OUT_DIR / f"{os.getpid()}.jsonl").open("a") as out:
        out.write(json.dumps(record) + "\n")
    _current.clear()


def install() -> None:
    import django

    django.setup()
    from rq.worker import BaseWorker, SimpleWorker

    import brandkit.services.provider_credentials as credentials
    import projects.providers.outputs as provider_outputs
    import projects.services.generation_runs as runs
    import projects.services.outputs as outputs
    from projects.providers.ark import ArkProvider
    from projects.providers.hosted import HostedProvider
    from projects.ratelimit import ProviderLimiter

    _patch(BaseWorker, "dequeue_job_and_maintain_ttl", "rq_dequeue")
    _patch(ProviderLimiter, "try_acquire", "limiter_acquire")
    _patch(ProviderLimiter, "release", "limiter_release")
    _patch(runs, "_claim", "claim")
    _patch(runs, "_call_provider", "call_provider")
    _patch(credentials, "provider_overrides", "call.provider_overrides")
    _patch(runs, "resolve_payload", "call.resolve_payload")
    _patch(HostedProvider, "request", "call.http_request")
    _patch(HostedProvider, "read_json", "call.read_json")
    _patch(ArkProvider, "parse_reply", "call.parse_reply")
    _patch(provider_outputs, "verify_image", "call.parse_reply.verify_image")
    _patch(runs, "output_store", "output_store")
    _patch(outputs, "store_content_addressed", "output_store.store_original")
    _patch(outputs, "make_thumbnail", "output_store.make_thumbnail")
    _patch(runs, "_finish_with_result", "finish")
    _patch(runs, "output_versions_create", "finish.versions_create")

    original_execute = SimpleWorker.execute_job

    def execute_job(self: Any, job: Any, queue: Any) -> Any:
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            return original_execute(self, job, queue)
        finally:
            _flush(time.perf_counter() - started, time.thread_time() - cpu_started)

    SimpleWorker.execute_job = execute_job  # type: ignore[method-assign]
    import projects.jobs as jobs

    timed_job = _timed("rq_job_function", jobs.generation_run_job)

    def generation_run_job(generation_id: int) -> None:
        _current["generation_id"] = generation_id
        timed_job(generation_id)

    jobs.generation_run_job = generation_run_job


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    install()
    if os.environ.get("BENCH_CPROFILE") == "1":
        profiler = cProfile.Profile()
        atexit.register(lambda: profiler.dump_stats(str(OUT_DIR / f"{os.getpid()}.prof")))
        profiler.enable()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])


if __name__ == "__main__":
    main()
