"""Results, derived figures and the printed report of bench/pipeline.py."""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import pstats
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.pipeline_support import median, percentile

# The targets.
TARGET_RATIO = 0.97
TARGET_OVERHEAD_FACTOR = 1.5
TARGET_PEAK_MB = 250.0
TARGET_SIDE = 2048
TARGET_CONFIG = {"n": 200, "workers": 4, "latency": 1.8}
# --realistic (L = 20 s, 50 in flight, one worker process).
REALISTIC_TARGET_RATIO = 0.9
REALISTIC_TARGET_PEAK_MB = 300.0


@dataclass
class Result:
    side: int
    path: str  # "bare" or "brandkit"
    n: int
    workers: int
    latency: float
    wall: float
    ideal: float
    ratio: float
    overhead_median_ms: float
    overhead_p95_ms: float
    peak_mb: float | None
    failed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        side: int,
        path: str,
        args: Any,
        wall: float,
        overheads: list[float],
        peak_mb: float | None,
        failed: int = 0,
    ) -> Result:
        ideal = args.n * args.latency / args.workers
        return cls(
            side=side,
            path=path,
            n=args.n,
            workers=args.workers,
            latency=args.latency,
            wall=wall,
            ideal=ideal,
            ratio=ideal / wall if wall > 0 else math.nan,
            overhead_median_ms=1000 * median(overheads),
            overhead_p95_ms=1000 * percentile(overheads, 0.95),
            peak_mb=peak_mb,
            failed=failed,
        )

    def summary(self) -> str:
        return (
            f"wall {self.wall:.2f} s, ratio {self.ratio:.3f}, overhead median "
            f"{self.overhead_median_ms:.1f} ms, p95 {self.overhead_p95_ms:.1f} ms"
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ms(values: list[float]) -> dict[str, float]:
    return {"median_ms": 1000 * median(values), "p95_ms": 1000 * percentile(values, 0.95)}


def result_from_rows(
    *,
    args: Any,
    side: int,
    rows: list[dict[str, Any]],
    attempts: list[dict[str, Any]],
    started: float,
    peak_mb: float,
) -> Result:
    """The Brandkit path's figures from the Generation and GenerationAttempt rows."""
    done = [row for row in rows if row["status"] == "succeeded"]
    latency = args.latency
    # From the claim to the row's final save (`updated_at`, after versions and the final
    # transaction): the same span as the baselines' "call started -> image stored".
    overheads = [(r["updated_at"] - r["started_at"]).total_seconds() - latency for r in done]
    wall = max(r["updated_at"] for r in rows).timestamp() - started
    result = Result.build(
        side=side, path="brandkit", args=args, wall=wall, overheads=overheads,
        peak_mb=peak_mb, failed=len(rows) - len(done),
    )  # fmt: skip
    by_pk = {row["pk"]: row for row in rows}
    per_worker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for attempt in attempts:
        per_worker[attempt["worker"]].append(attempt)
    gaps = []
    for runs in per_worker.values():
        runs.sort(key=lambda attempt: attempt["started_at"])
        for before, after in itertools.pairwise(runs):
            previous_end = by_pk[before["generation_id"]]["updated_at"]
            gaps.append((after["started_at"] - previous_end).total_seconds())
    result.extra.update(
        {
            # provider_seconds is measured around the adapter call: POST (+L), JSON, base64,
            # verify_image; the rest of finished-started is the claim, storage and thumbnail.
            "call_overhead": _ms([r["provider_seconds"] - latency for r in done]),
            "claim_store_thumbnail": _ms(
                [
                    (r["finished_at"] - r["started_at"]).total_seconds() - r["provider_seconds"]
                    for r in done
                ]
            ),
            "finish_transaction": _ms(
                [(r["updated_at"] - r["finished_at"]).total_seconds() for r in done]
            ),
            "gap_between_jobs": _ms(gaps),
            "cycle_overhead_ms": 1000 * (args.workers * wall / args.n - latency),
            "end_to_end_enqueue_to_finished": _ms(
                [(r["finished_at"] - r["queued_at"]).total_seconds() for r in done]
            ),
            "retried": sum(1 for r in rows if r["attempts"] > 1),
            "workers_seen": len(per_worker),
        }
    )
    return result


# --- machine figures ------------------------------------------------------------------------


def _cpu_times() -> tuple[float, float]:
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def machine_busy() -> Callable[[], float]:
    """Call the result later: the fraction of all CPUs busy (any process) in between."""
    busy_before, total_before = _cpu_times()

    def busy() -> float:
        busy_after, total_after = _cpu_times()
        total = total_after - total_before
        return (busy_after - busy_before) / total if total else math.nan

    return busy


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- profile --------------------------------------------------------------------------------


def print_profile(directory: Path, ids: set[int], *, cprofile: bool) -> dict[str, Any]:
    """Median and mean ms per section over the timed jobs (bench/pipeline_profile.py)."""
    records = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record.get("generation_id") in ids:
                records.append(record)
    sections: dict[str, list[float]] = defaultdict(list)
    for record in records:
        for name, value in record.items():
            if name != "generation_id":
                sections[name].append(value)
    print(
        f"\nsection timings over {len(records)} timed jobs, ms: wall median / mean / p95, "
        "then worker-thread CPU median / mean"
    )
    summary = {}
    for name in sorted((n for n in sections if not n.startswith("cpu:")), key=_section_order):
        row = {
            **_stats(sections[name], len(records)),
            **{f"cpu_{k}": v for k, v in _stats(sections[f"cpu:{name}"], len(records)).items()},
        }
        summary[name] = row
        indent = "  " * name.count(".")
        print(
            f"  {indent}{name.rsplit('.', 1)[-1]:<{34 - len(indent)}} {row['median_ms']:8.1f} "
            f"{row['mean_ms']:8.1f} {row['p95_ms']:8.1f}   {row['cpu_median_ms']:8.1f} "
            f"{row['cpu_mean_ms']:8.1f}"
        )
    if cprofile:
        profiles = [str(path) for path in sorted(directory.glob("*.prof"))]
        if profiles:
            buffer = io.StringIO()
            stats = pstats.Stats(*profiles, stream=buffer)
            stats.sort_stats("tottime").print_stats(30)
            print(buffer.getvalue())
            (directory / "cprofile.txt").write_text(buffer.getvalue())
    return summary


def _stats(values: list[float], count: int) -> dict[str, float]:
    """Sections a job never entered count as 0."""
    values = values + [0.0] * (count - len(values))
    if not values:
        return {"median_ms": math.nan, "mean_ms": math.nan, "p95_ms": math.nan}
    return {
        "median_ms": 1000 * median(values),
        "mean_ms": 1000 * sum(values) / len(values),
        "p95_ms": 1000 * percentile(values, 0.95),
    }


_ORDER = [
    "job",
    "rq_dequeue",
    "rq_job_function",
    "limiter_acquire",
    "claim",
    "call_provider",
    "output_store",
    "finish",
    "limiter_release",
]


def _section_order(name: str) -> tuple[int, str]:
    top = name.split(".", 1)[0]
    return (_ORDER.index(top) if top in _ORDER else len(_ORDER), name)


# --- the report -----------------------------------------------------------------------------


def _target_results(results: list[Result], path: str) -> list[Result]:
    side = TARGET_SIDE if any(r.side == TARGET_SIDE for r in results) else results[-1].side
    return [r for r in results if r.path == path and r.side == side]


def print_report(args: Any, results: list[Result], notes: list[str]) -> list[str]:
    """Print the table and the targets; return the failed targets."""
    at_target = all(getattr(args, key) == value for key, value in TARGET_CONFIG.items())
    header = (
        f"{'size':>9} {'path':<8} {'N':>4} {'W':>2} {'L s':>4} {'wall s':>7} {'ideal s':>7} "
        f"{'ratio':>6} {'ovh med ms':>10} {'ovh p95 ms':>10} {'peak MB':>7} {'failed':>6}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        peak = f"{r.peak_mb:7.1f}" if r.peak_mb is not None else f"{'-':>7}"
        print(
            f"{r.side}x{r.side:<4} {r.path:<8} {r.n:>4} {r.workers:>2} {r.latency:>4.1f} "
            f"{r.wall:>7.2f} {r.ideal:>7.2f} {r.ratio:>6.3f} {r.overhead_median_ms:>10.1f} "
            f"{r.overhead_p95_ms:>10.1f} {peak} {r.failed:>6}"
        )
    print("\nBrandkit path, per image (median / p95 ms):")
    for r in results:
        if r.path != "brandkit":
            continue
        x = r.extra
        print(f"  {r.side}x{r.side}:")
        for key, label in (
            ("call_overhead", "adapter call beyond L (HTTP, JSON, base64, verify)"),
            ("claim_store_thumbnail", "claim + store original + thumbnail"),
            ("finish_transaction", "finished_at -> final save (versions, row)"),
            ("gap_between_jobs", "gap between jobs (commit, RQ, limiter, dequeue)"),
            ("end_to_end_enqueue_to_finished", "enqueue -> finished (includes queueing)"),
        ):
            print(f"    {label:<55} {x[key]['median_ms']:9.1f} / {x[key]['p95_ms']:9.1f}")
        print(
            f"    cycle overhead W*wall/N - L: {x['cycle_overhead_ms']:.1f} ms; worker CPU "
            f"{x['worker_cpu_ms_per_image']:.1f} ms/image; bench process (fake, enqueue, polling) "
            f"CPU {x['bench_cpu_ms_per_image']:.1f} ms/image; enqueue of N took "
            f"{x['enqueue_seconds']:.2f} s; retried {x['retried']}; machine busy "
            f"{100 * x['machine_busy']:.0f}% of {os.cpu_count()} CPUs"
        )
    for r in results:
        if r.path in ("bare", "asyncio"):
            x = r.extra
            print(
                f"  bare {r.side}x{r.side}: client process CPU {x['client_cpu_ms_per_image']:.1f} "
                f"ms/image; fake (bench process) CPU {x['fake_cpu_ms_per_image']:.1f} ms/reply; "
                f"machine busy {100 * x['machine_busy']:.0f}%"
            )
    bare_ratio = {r.side: r.ratio for r in results if r.path in ("bare", "asyncio")}
    for r in results:
        if r.path == "brandkit" and r.side in bare_ratio:
            print(
                f"  {r.side}x{r.side}: brandkit throughput = "
                f"{r.ratio / bare_ratio[r.side]:.3f} x bare (same run)"
            )
    failures: list[str] = []
    print("\ntargets" + ("" if at_target else " (indicative: not run at N=200, W=4, L=1.8)"))

    def check(ok: bool, text: str) -> None:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
        if not ok:
            failures.append(text)

    if getattr(args, "realistic", False):
        for r in results:
            if r.path == "brandkit":
                check(
                    r.ratio >= REALISTIC_TARGET_RATIO,
                    f"throughput {r.ratio:.3f} >= {REALISTIC_TARGET_RATIO} of ideal at "
                    f"{r.side}x{r.side}, L=20 s, one worker process",
                )
                check(
                    r.peak_mb is not None and r.peak_mb < REALISTIC_TARGET_PEAK_MB,
                    f"worker peak memory {r.peak_mb:.1f} MB < {REALISTIC_TARGET_PEAK_MB:.0f} MB",
                )
            if r.failed:
                check(False, f"{r.failed} {r.path} generations did not succeed")
        return _conclude(failures)
    for r in _target_results(results, "brandkit"):
        check(r.ratio >= TARGET_RATIO, f"throughput {r.ratio:.3f} >= {TARGET_RATIO} of ideal at "
              f"{r.side}x{r.side}")  # fmt: skip
        check(
            r.peak_mb is not None and r.peak_mb < TARGET_PEAK_MB,
            f"worker peak memory {r.peak_mb:.1f} MB < {TARGET_PEAK_MB:.0f} MB at {r.side}x{r.side}",
        )
    bare = {r.side: r for r in results if r.path == "bare"}
    for r in results:
        if r.path == "brandkit" and r.side in bare:
            limit = TARGET_OVERHEAD_FACTOR * bare[r.side].overhead_median_ms
            check(
                r.overhead_median_ms <= limit,
                f"median overhead {r.overhead_median_ms:.1f} ms <= {TARGET_OVERHEAD_FACTOR} x "
                f"bare {bare[r.side].overhead_median_ms:.1f} ms = {limit:.1f} ms at "
                f"{r.side}x{r.side}",
            )
        if r.failed:
            check(False, f"{r.failed} {r.path} generations did not succeed at {r.side}x{r.side}")
    return _conclude(failures)


def _conclude(failures: list[str]) -> list[str]:
    if failures:
        print(f"\n{len(failures)} target(s) FAILED:")
        for failure in failures:
            print(f"  - {failure}")
    else:
        print("\nall targets met")
    return failures
