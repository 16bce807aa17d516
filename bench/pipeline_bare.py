"""The bare baseline of bench/pipeline.py, run in its own process (as the RQ workers are, so the
fake server in the bench process does not share a GIL with either path).

    python bench/pipeline_bare.py --url URL --body JSON --n 200 --workers 4 --out DIR

W threads share one httpx.Client. Per image: POST the Ark body, decode the base64, verify and
fully decode the JPEG with Pillow (as projects/providers/outputs.verify_image does), write the
file, make a 512 px WebP thumbnail (JPEG draft + LANCZOS + WebP q80 m4, as
brandkit/images.make_thumbnail) and write it. Nothing else. W untimed warm-up images go first.
Prints one JSON object: per-image [start, end] perf_counter pairs and the process's CPU seconds.
"""

from __future__ import annotations

import argparse
import base64
import io
import itertools
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
THUMBNAIL_SIDE = 512


def bare_one(
    client: httpx.Client, *, url: str, body: dict[str, Any], out_dir: Path, name: str
) -> None:
    response = client.post(url, json=body, headers={"Authorization": "Bearer bench-key"})
    response.raise_for_status()
    bare_store(response.json()["data"][0]["b64_json"], out_dir, name)


def bare_store(payload: str, out_dir: Path, name: str) -> None:
    """What follows the answer: decode, verify, write, thumbnail (shared with the async one)."""
    raw = base64.b64decode(payload, validate=True)
    with Image.open(io.BytesIO(raw), formats=ALLOWED_FORMATS) as image:
        image.verify()
    with Image.open(io.BytesIO(raw), formats=ALLOWED_FORMATS) as image:
        image.load()
    (out_dir / f"{name}.jpg").write_bytes(raw)
    with Image.open(io.BytesIO(raw), formats=ALLOWED_FORMATS) as image:
        image.draft("RGB", (THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2))
        thumb = image.convert("RGB")
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    thumb.save(out_dir / f"{name}.webp", "WEBP", quality=80, method=4)


def run_bare(
    client: httpx.Client,
    *,
    url: str,
    body: dict[str, Any],
    count: int,
    workers: int,
    out_dir: Path,
    timeout: float,
    label: str,
) -> list[tuple[float, float]]:
    """`count` images through W threads; per-image (start, end) perf_counter times."""
    samples: list[tuple[float, float]] = []
    errors: list[BaseException] = []
    counter = itertools.count()
    lock = threading.Lock()

    def loop() -> None:
        while (index := next(counter)) < count and not errors:
            started = time.perf_counter()
            try:
                bare_one(client, url=url, body=body, out_dir=out_dir, name=f"{label}{index}")
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)
                return
            ended = time.perf_counter()
            with lock:
                samples.append((started, ended))

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    if errors:
        raise RuntimeError(f"bare baseline failed: {errors[0]!r}") from errors[0]
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"bare baseline did not finish within {timeout:.0f} s")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True, help="the Ark request body, JSON")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    if not args.url.startswith("http://127."):
        parser.error("the bare baseline only talks to a loopback fake")
    args.out.mkdir(parents=True, exist_ok=True)
    body = json.loads(args.body)
    client = httpx.Client(
        timeout=httpx.Timeout(connect=10, read=600, write=60, pool=10),
        limits=httpx.Limits(max_connections=max(args.workers, 4)),
        trust_env=False,
    )
    options = {"url": args.url, "body": body, "workers": args.workers, "out_dir": args.out}
    try:
        run_bare(client, count=args.workers, timeout=args.timeout, label="warmup-", **options)
        cpu_before = time.process_time()
        samples = run_bare(client, count=args.n, timeout=args.timeout, label="", **options)
        cpu = time.process_time() - cpu_before
    finally:
        client.close()
    print(json.dumps({"samples": samples, "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
