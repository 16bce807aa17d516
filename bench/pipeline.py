"""Pipeline benchmark: `python bench/pipeline.py [--n 200] [--workers 4] [--latency 1.8]
[--sizes 1024,2048] [--json out.json] [--quick] [--realistic] [--profile] [--cprofile] [--keep]`.

`--realistic`: the provider's real speed. The fake holds every call L = 20 s; our limits allow
50 calls in flight and 500 images a minute; N = 200 generations go through ONE worker process
(WORKER_THREADS=50), so ideal = 200 / 50 x 20 s = 80 s. Beside it, in the same run and on the same
fake, an asyncio baseline (bench/pipeline_bare_async.py: one httpx.AsyncClient, 50 in flight,
decode, verify, write, thumbnail). Both are timed over the same window (first request issued to
last image stored) and the same work; neither has a warm-up. Default size 2048x2048.

Per size, two paths against the same loopback fake ModelArk server (a thread server in this
process that answers every POST after `--latency` seconds with a real JPEG as `b64_json`):

- bare (bench/pipeline_bare.py, its own process, as the workers are): W threads sharing one
  httpx.Client POST the same Ark body, decode the base64, verify and fully decode the JPEG with
  Pillow (as projects/providers/outputs.verify_image does), write it and a 512 px WebP thumbnail
  (draft + LANCZOS, as brandkit/images.make_thumbnail). Nothing else.
- brandkit: `generation_request` (the service the web form calls) N times -> RQ after commit ->
  W `manage.py rqworker default --with-scheduler` processes (BrandkitWorker) -> claim -> Ark
  adapter -> verify -> content-addressed storage + thumbnail -> versions -> finish.

Throughput ratio = ideal / wall with ideal = N * L / W. Per-image overhead beyond L: bare = one
image's wall time - L; brandkit = finished_at - started_at - L, i.e. from the claim (before its
UPDATE) through provider overrides, payload resolution, the HTTP call, JSON, base64, verify,
storage of the original, thumbnail, up to the `finished_at` stamp taken just before the finishing
transaction (versions + final save). What lies outside that window (RQ dequeue and bookkeeping,
the Redis limiter, the finishing transaction) is reported as the gap between jobs and shows in
the throughput ratio. Each path first runs W untimed warm-up images.

Environment (all loopback, all temporary): DATABASE_URL if set, else a fresh database named
`brandkit_bench_<random>` on postgres://postgres@127.0.0.1:5432 (only that one is dropped at the
end), else SQLite in the temp dir;
REDIS_URL if set, else the embedded redis-server; MEDIA_ROOT in the temp dir. ARK_MAX_CONCURRENT
is W (at least 4) and ARK_IMAGES_PER_MINUTE 0, so our own limiter never throttles the run.
`--profile` runs the workers through bench/pipeline_profile.py and prints per-section wall and
CPU times; `--cprofile` adds cProfile. The exit status is 0 when targets fail: it is a report.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pipeline_support as support
from bench.pipeline_report import (
    Result,
    cpu_seconds,
    machine_busy,
    print_profile,
    print_report,
    result_from_rows,
)

PROMPT = "A summer campaign poster for sparkling lemonade, bottle on a beach table at noon"
POLL_SECONDS = 0.25


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--n", type=int, default=200, help="generations per size (200)")
    parser.add_argument("--workers", type=int, default=4, help="W: RQ workers / threads (4)")
    parser.add_argument("--latency", type=float, default=1.8, help="L: fake latency, s (1.8)")
    parser.add_argument("--sizes", default="1024,2048", help="square sides (1024,2048)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--quick", action="store_true", help="sanity run: N=24, L=0.5")
    parser.add_argument(
        "--realistic", action="store_true", help="L=20 s, 50 in flight, one worker process, N=200"
    )
    parser.add_argument("--profile", action="store_true", help="time sections in the workers")
    parser.add_argument("--cprofile", action="store_true", help="cProfile the workers too")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, media)")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.latency = 24, 0.5
    # W is the concurrency (the ideal's divisor); processes is how many workers run it.
    args.processes = args.workers
    if args.realistic:
        args.n, args.latency, args.workers, args.processes = 200, 20.0, 50, 1
        if "--sizes" not in " ".join(argv if argv is not None else sys.argv):
            args.sizes = "2048"
    args.profile = args.profile or args.cprofile
    args.sizes = [int(side) for side in args.sizes.split(",") if side.strip()]
    if args.n < 1 or args.workers < 1 or args.latency < 0 or not args.sizes:
        parser.error("--n and --workers must be positive, --latency >= 0, --sizes non-empty")
    return args


def run_timeout(args: argparse.Namespace, count: int) -> float:
    return 3 * count * args.latency / args.workers + 120


# --- the bare baseline ----------------------------------------------------------------------


def ark_body(side: int) -> dict[str, Any]:
    from projects.providers import get_provider
    from projects.providers.base import GenerationSpec

    # The body our service stores for the same request (response_format b64_json).
    return get_provider("ark").build_payload(
        GenerationSpec(prompt=PROMPT, size=f"{side}x{side}", response_format="b64_json")
    )


def async_baseline_run(args: argparse.Namespace, side: int, url: str, tmp: Path) -> Result:
    """The asyncio baseline of --realistic (bench/pipeline_bare_async.py), in its own process."""
    timeout = run_timeout(args, args.n)
    command = [
        sys.executable, str(support.ROOT / "bench" / "pipeline_bare_async.py"), "--url", url,
        "--body", json.dumps(ark_body(side)), "--n", str(args.n),
        "--concurrency", str(args.workers), "--out", str(tmp / f"async-{side}"),
    ]  # fmt: skip
    busy = machine_busy()
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"asyncio baseline exited {completed.returncode}: {completed.stderr}")
    report = json.loads(completed.stdout)
    samples = report["samples"]
    # Same window as the app's: from the run's start (before the first request) to the last
    # image stored.
    wall = max(end for _, end in samples) - report["started"]
    overheads = [end - start - args.latency for start, end in samples]
    result = Result.build(
        side=side, path="asyncio", args=args, wall=wall, overheads=overheads,
        peak_mb=report["peak_mb"],
    )  # fmt: skip
    result.extra.update(
        {
            "client_cpu_ms_per_image": 1000 * report["cpu_seconds"] / args.n,
            "fake_cpu_ms_per_image": math.nan,
            "machine_busy": busy(),
        }
    )
    return result


def bare_run(args: argparse.Namespace, side: int, url: str, tmp: Path) -> Result:
    """The bare baseline in its own process (bench/pipeline_bare.py), like the workers."""
    if args.realistic:
        return async_baseline_run(args, side, url, tmp)
    body = ark_body(side)
    timeout = run_timeout(args, args.n + args.workers)
    command = [
        sys.executable, str(support.ROOT / "bench" / "pipeline_bare.py"), "--url", url,
        "--body", json.dumps(body), "--n", str(args.n), "--workers", str(args.workers),
        "--out", str(tmp / f"bare-{side}"), "--timeout", str(timeout),
    ]  # fmt: skip
    busy = machine_busy()
    fake_cpu_before = time.process_time()
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout + 30, check=False
    )
    fake_cpu = time.process_time() - fake_cpu_before
    if completed.returncode != 0:
        raise RuntimeError(f"bare baseline exited {completed.returncode}: {completed.stderr}")
    report = json.loads(completed.stdout)
    samples = report["samples"]
    wall = max(end for _, end in samples) - min(start for start, _ in samples)
    overheads = [end - start - args.latency for start, end in samples]
    result = Result.build(
        side=side, path="bare", args=args, wall=wall, overheads=overheads, peak_mb=None
    )
    result.extra.update(
        {
            "client_cpu_ms_per_image": 1000 * report["cpu_seconds"] / args.n,
            "fake_cpu_ms_per_image": 1000 * fake_cpu / (args.n + args.workers),
            "machine_busy": busy(),
        }
    )
    return result


# --- the Brandkit path ----------------------------------------------------------------------


def build_studio() -> tuple[Any, Any]:
    """A published brand with its admin and a campaign with a budget no run can exhaust."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from brandkit.choices import BrandStatus
    from brandkit.services.brands import brand_create
    from projects.services.campaigns import campaign_create

    suffix = uuid.uuid4().hex[:8]
    user = get_user_model().objects.create_user(f"bench-{suffix}")  # unusable password
    brand = brand_create(
        name=f"Bench {suffix}", slug=f"bench-{suffix}", created_by=user,
        status=BrandStatus.PUBLISHED, default_provider="ark",
    )  # fmt: skip
    campaign = campaign_create(
        brand=brand, owner=user, name="Benchmark", budget=Decimal("99999999.00"), channels=["web"]
    )
    return user, campaign


def request_generations(*, user: Any, campaign: Any, side: int, count: int) -> list[int]:
    from projects.services.generation_requests import GenerationInput, generation_request

    generation_input = GenerationInput(
        campaign_id=campaign.pk, prompt=PROMPT, size=f"{side}x{side}", provider="ark"
    )
    ids: list[int] = []
    for _ in range(count):
        ids += [g.pk for g in generation_request(generation_input=generation_input, user=user)]
    return ids


def wait_finished(ids: list[int], processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    from django.db.models import Count

    from projects.choices import GENERATION_FINISHED
    from projects.models import Generation

    deadline = time.monotonic() + timeout
    pending = Generation.objects.filter(pk__in=ids).exclude(status__in=GENERATION_FINISHED)
    while time.monotonic() < deadline:
        if not pending.exists():
            return
        if all(process.poll() is not None for process in processes):
            raise RuntimeError("every worker exited before the generations finished")
        time.sleep(POLL_SECONDS)
    counts = dict(pending.values_list("status").annotate(n=Count("id")))
    raise RuntimeError(f"generations not finished after {timeout:.0f} s: {counts}")


def flush_queue() -> None:
    from projects.queue import get_connection, get_queue
    from projects.ratelimit import KEY_PREFIX

    get_queue().empty()
    connection = get_connection()
    for key in connection.scan_iter(f"{KEY_PREFIX}:*"):
        connection.delete(key)


def brandkit_run(
    args: argparse.Namespace, side: int, env: dict[str, str], studio: tuple[Any, Any], tmp: Path
) -> Result:
    from projects.models import Generation, GenerationAttempt

    user, campaign = studio
    profile_dir = tmp / f"profile-{side}"
    worker_env = {**env, "BENCH_PROFILE_DIR": str(profile_dir)}
    if args.cprofile:
        worker_env["BENCH_CPROFILE"] = "1"
    flush_queue()
    processes = support.start_workers(
        args.processes, env=worker_env, log_dir=tmp / "logs" / str(side), profile=args.profile
    )
    try:
        support.wait_workers_registered(processes)
        if not args.realistic:  # at L = 20 s a warm-up would cost a whole call; none either side
            warmup = request_generations(
                user=user, campaign=campaign, side=side, count=args.workers
            )
            wait_finished(warmup, processes, run_timeout(args, args.workers))
        busy = machine_busy()
        cpu_before = sum(cpu_seconds(p.pid) for p in processes)
        bench_cpu_before = time.process_time()
        started = time.time()
        ids = request_generations(user=user, campaign=campaign, side=side, count=args.n)
        enqueue_seconds = time.time() - started
        wait_finished(ids, processes, run_timeout(args, args.n))
        worker_cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu_before
        bench_cpu = time.process_time() - bench_cpu_before
        peak_mb = max(support.peak_memory_mb(p.pid) for p in processes)
        busy_fraction = busy()
    finally:
        support.stop_workers(processes)
    rows = list(
        Generation.objects.filter(pk__in=ids).values(
            "pk", "status", "attempts", "queued_at", "started_at", "finished_at",
            "updated_at", "provider_seconds",
        )
    )  # fmt: skip
    attempts = list(
        GenerationAttempt.objects.filter(generation_id__in=ids).values(
            "generation_id", "worker", "started_at"
        )
    )
    result = result_from_rows(
        args=args, side=side, rows=rows, attempts=attempts, started=started, peak_mb=peak_mb
    )
    result.extra.update(
        {
            "enqueue_seconds": enqueue_seconds,
            "worker_cpu_ms_per_image": 1000 * worker_cpu / args.n,
            "bench_cpu_ms_per_image": 1000 * bench_cpu / args.n,
            "machine_busy": busy_fraction,
        }
    )
    if args.profile:
        result.extra["profile"] = print_profile(profile_dir, set(ids), cprofile=args.cprofile)
    return result


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the finally block below stops workers, Redis and the fake.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="brandkit-bench-"))
    database = redis_process = fake = None
    keep = args.keep
    try:
        database = support.choose_database(tmp)
        redis_url, redis_process, redis_note = support.start_redis(tmp)
        fake = support.BenchFake(latency=args.latency).start()
        env = support.django_environment(
            database_url=database.url, redis_url=redis_url, tmp=tmp,
            ark_base_url=fake.ark_base_url, workers=args.workers,
        )  # fmt: skip
        if args.realistic:
            # The account's limits as ModelArk would set them: they, not the worker, bound it.
            env.update(
                WORKER_THREADS=str(args.workers),
                ARK_MAX_CONCURRENT=str(args.workers),
                ARK_IMAGES_PER_MINUTE="500",
            )
        os.environ.update(env)
        setup_notes = [
            f"database: {database.source}",
            f"redis: {redis_note}",
            f"fake ModelArk: {fake.ark_base_url} (latency {args.latency} s, JPEG encoded once "
            "per size, a distinct COM segment per reply so storage cannot deduplicate)",
            f"limits: ARK_MAX_CONCURRENT={env['ARK_MAX_CONCURRENT']}, "
            f"ARK_IMAGES_PER_MINUTE={env['ARK_IMAGES_PER_MINUTE']}; {args.processes} worker "
            f"process(es), WORKER_THREADS={env.get('WORKER_THREADS', 'default (50)')}",
            "response_format: b64_json (what generation_request sets), so no URL download",
            f"temp dir: {tmp} (media, worker logs)",
            "load average at start: {:.2f} {:.2f} {:.2f} on {} CPUs".format(
                *os.getloadavg(), os.cpu_count()
            ),
        ]
        for note in setup_notes:
            print(note, flush=True)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        studio = build_studio()
        results: list[Result] = []
        for side in args.sizes:
            jpeg_bytes = fake.serve_size(side)
            print(f"\n== {side}x{side}: JPEG {jpeg_bytes / 1e6:.2f} MB ==", flush=True)
            url = f"{fake.ark_base_url}/images/generations"
            results.append(bare_run(args, side, url, tmp))
            print(f"bare done: {results[-1].summary()}", flush=True)
            results.append(brandkit_run(args, side, env, studio, tmp))
            print(f"brandkit done: {results[-1].summary()}", flush=True)
        failures = print_report(args, results, setup_notes)
        if args.json:
            payload = {
                "config": {
                    k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                },
                "setup": setup_notes,
                "results": [r.as_dict() for r in results],
                "failed_targets": failures,
            }
            args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n")
            print(f"wrote {args.json}")
    except BaseException:
        keep = True
        print(f"\nthe run failed; logs and media kept in {tmp}", file=sys.stderr)
        raise
    finally:
        if fake is not None:
            fake.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        support.stop_process(redis_process)
        if database is not None:
            support.drop_database(database)
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0  # a report: failed targets are printed, not signalled


if __name__ == "__main__":
    sys.exit(main())
