"""The asyncio baseline of `bench/pipeline.py --realistic`, in its own process:

    python bench/pipeline_bare_async.py --url URL --body JSON --n 200 --concurrency 50 --out DIR

What a team's short script would do against the same fake: one `httpx.AsyncClient`, N requests
with at most `--concurrency` in flight, and per image the same work the app does after the answer:
decode the base64, verify and fully decode the JPEG with Pillow, write it, make and write a 512 px
WebP thumbnail. The CPU work runs in `asyncio.to_thread`, so the event loop keeps every other
call moving (a fair baseline, not a handicapped one). No warm-up: the app's run has none either.
Prints one JSON object: the run's start, per-image [call start, stored] times (time.time()) and
the process's CPU seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from pathlib import Path
from typing import Any

import httpx
from pipeline_bare import bare_store


async def run(args: argparse.Namespace, body: dict[str, Any]) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.concurrency)
    timeout = httpx.Timeout(connect=10, read=600, write=60, pool=600)
    slots = asyncio.Semaphore(args.concurrency)
    samples: list[tuple[float, float]] = []
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:

        async def one(index: int) -> None:
            async with slots:
                started = time.time()
                response = await client.post(
                    args.url, json=body, headers={"Authorization": "Bearer bench-key"}
                )
                response.raise_for_status()
                payload = response.json()["data"][0]["b64_json"]
                await asyncio.to_thread(bare_store, payload, args.out, f"async{index}")
                samples.append((started, time.time()))

        begun = time.time()
        cpu_before = time.process_time()
        await asyncio.gather(*(one(index) for index in range(args.n)))
        cpu = time.process_time() - cpu_before
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"started": begun, "samples": samples, "cpu_seconds": cpu, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True, help="the Ark request body, JSON")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if not args.url.startswith("http://127."):
        parser.error("the baseline only talks to a loopback fake")
    args.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(asyncio.run(run(args, json.loads(args.body)))))


if __name__ == "__main__":
    main()
