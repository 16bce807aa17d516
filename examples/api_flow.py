"""End to end through the Brandkit API with two personal tokens, nothing else.

    python examples/api_flow.py --base-url http://127.0.0.1:8000 --brand northwind \
        --token "$MARKETER_TOKEN" --reviewer-token "$REVIEWER_TOKEN" --out out/

1. opens a campaign on the brand (marketer token, read-and-write scope);
2. queues a batch of variants with an Idempotency-Key (sent twice, to show it queues once);
3. polls the batch until every generation finished;
4. submits the first asset's version 1 for review;
5. approves it with the reviewer's token (someone who did not make it);
6. downloads the approved original into --out.

It uses httpx, which Brandkit already depends on. Exit status 0 means every step worked.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx


class FlowError(Exception):
    """A step of the flow did not go as expected; the message says which and why."""


def _check(response: httpx.Response, expected: int = 200) -> Any:
    if response.status_code != expected:
        raise FlowError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:500]}"
        )
    return (
        response.json()
        if response.headers.get("content-type", "").startswith("application/json")
        else response.content
    )


def run(
    *,
    base_url: str,
    brand: str,
    token: str,
    reviewer_token: str,
    out: Path,
    variants: int = 2,
    size: str = "1280x720",
    timeout: float = 300.0,
    log: Any = print,
) -> Path:
    """Run the whole flow; returns the path of the downloaded approved image."""
    api = f"{base_url.rstrip('/')}/api/v1"
    marketer = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    reviewer = httpx.Client(headers={"Authorization": f"Bearer {reviewer_token}"}, timeout=30)

    campaign = _check(
        marketer.post(
            f"{api}/campaigns/",
            json={"brand": brand, "name": f"API flow {uuid.uuid4().hex[:8]}", "budget": "5.00"},
        ),
        201,
    )
    log(f"campaign {campaign['id']} opened on {brand}")

    request = {
        "campaign": campaign["id"],
        "prompt": "a cold brew bottle on a sunny counter",
        "variants": variants,
        "size": size,
    }
    key = str(uuid.uuid4())
    headers = {"Idempotency-Key": key}
    first = _check(marketer.post(f"{api}/generations/", json=request, headers=headers), 201)
    again = marketer.post(f"{api}/generations/", json=request, headers=headers)
    if _check(again, 201) != first or again.headers.get("Idempotent-Replayed") != "true":
        raise FlowError("the same Idempotency-Key did not replay the first answer")
    generation_ids = [generation["id"] for generation in first["generations"]]
    log(f"queued {len(generation_ids)} generation(s), batch {first['batch']}")

    deadline = time.monotonic() + timeout
    while True:
        if first["batch"]:
            counts = _check(marketer.get(f"{api}/batches/{first['batch']}/"))["counts"]
            done = counts["finished"] == counts["total"]
        else:
            status = _check(marketer.get(f"{api}/generations/{generation_ids[0]}/"))["status"]
            done = status not in ("queued", "running")
        if done:
            break
        if time.monotonic() > deadline:
            raise FlowError("the batch did not finish in time; are workers running?")
        time.sleep(1)
    generations = [
        _check(marketer.get(f"{api}/generations/{generation_id}/"))
        for generation_id in generation_ids
    ]
    finished = [g for g in generations if g["status"] in ("succeeded", "partial") and g["versions"]]
    if not finished:
        raise FlowError(f"no generation succeeded: {[g['error_message'] for g in generations]}")
    log(f"{len(finished)} of {len(generations)} generation(s) succeeded")

    asset_id = finished[0]["versions"][0]["asset"]
    number = finished[0]["versions"][0]["number"]
    _check(marketer.post(f"{api}/assets/{asset_id}/submit/", json={"version": number}))
    log(f"asset {asset_id} v{number} submitted for review")
    decision = _check(
        reviewer.post(
            f"{api}/assets/{asset_id}/decide/",
            json={"version": number, "decision": "approve", "comment": "On brand."},
        )
    )
    log(f"reviewer decided: {decision['decision']}")
    asset = _check(reviewer.get(f"{api}/assets/{asset_id}/"))
    if asset["review_status"] != "approved":
        raise FlowError(f"asset is {asset['review_status']} (more approval steps to go?)")
    version = next(v for v in asset["versions"] if v["id"] == asset["approved_version"])
    image = _check(reviewer.get(version["download"]))
    out.mkdir(parents=True, exist_ok=True)
    extension = version["content_type"].rsplit("/", 1)[-1]
    path = out / f"asset-{asset_id}-v{version['number']}.{extension}"
    path.write_bytes(image)
    log(f"downloaded the approved original to {path} ({len(image)} bytes)")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--brand", required=True, help="brand slug")
    parser.add_argument("--token", required=True, help="a marketer's read-and-write token")
    parser.add_argument("--reviewer-token", required=True, help="a reviewer's write token")
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    try:
        run(
            base_url=args.base_url,
            brand=args.brand,
            token=args.token,
            reviewer_token=args.reviewer_token,
            out=args.out,
            variants=args.variants,
            size=args.size,
        )
    except (FlowError, httpx.HTTPError) as exc:
        print(f"api_flow: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
