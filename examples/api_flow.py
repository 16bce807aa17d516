"""End to end through the Brandkit API with two personal tokens, nothing else.

    python examples/api_flow.py --base-url http://127.0.0.1:8000 --brand northwind \
        --token "$MARKETER_TOKEN" --reviewer-token "$REVIEWER_TOKEN" --out out/ [--csv rows.csv]

1. opens a campaign on the brand (marketer token, read-and-write scope);
2. picks a published poster template (--template, or the brand's first) and fetches its CSV
   template; uses --csv, or fills in --rows rows of sample values;
3. uploads the CSV as a batch with an Idempotency-Key (sent twice, to show it queues once);
4. polls the batch until every generation finished;
5. submits the first asset's version 1 for review;
6. approves it with the reviewer's token (someone who did not make it);
7. downloads the approved original and the export ZIP (every preset, with manifests) into --out.

It uses httpx, which Brandkit already depends on. Exit status 0 means every step worked.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
import uuid
import zipfile
from dataclasses import dataclass
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


@dataclass(frozen=True)
class FlowResult:
    image: Path  # the approved original
    export: Path  # the export ZIP of the approved version


def sample_csv(template_csv: str, *, rows: int, size: str) -> bytes:
    """A CSV for the template's header: `rows` rows of sample slot text, one variant each."""
    header = next(csv.reader(io.StringIO(template_csv)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    fixed = {"variants": "1", "size": size, "references": ""}
    for number in range(1, rows + 1):
        writer.writerow([fixed.get(column, f"{column} {number}") for column in header])
    return buffer.getvalue().encode()


def _template_id(client: httpx.Client, api: str, brand: str, template: int | None) -> int:
    if template is not None:
        return template
    found = _check(
        client.get(f"{api}/poster-templates/", params={"brand": brand, "status": "published"})
    )["results"]
    if not found:
        raise FlowError(f"{brand} has no published poster template; publish one first")
    return int(found[0]["id"])


def run(
    *,
    base_url: str,
    brand: str,
    token: str,
    reviewer_token: str,
    out: Path,
    csv_data: bytes | None = None,
    template: int | None = None,
    rows: int = 2,
    size: str = "1280x720",
    timeout: float = 300.0,
    log: Any = print,
) -> FlowResult:
    """Run the whole flow; returns where the approved image and the export ZIP were saved."""
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

    template_id = _template_id(marketer, api, brand, template)
    if csv_data is None:
        header = marketer.get(f"{api}/poster-templates/{template_id}/csv-template/")
        csv_data = sample_csv(_check(header).decode(), rows=rows, size=size)
    url = f"{api}/campaigns/{campaign['id']}/csv-batches/"
    headers = {"Idempotency-Key": str(uuid.uuid4())}

    def upload() -> httpx.Response:
        files = {"file": ("batch.csv", csv_data, "text/csv")}
        data = {"poster_template": str(template_id)}
        return marketer.post(url, files=files, data=data, headers=headers)

    response = upload()
    if response.status_code == 422 and response.json().get("code") == "csv_invalid":
        problems = "; ".join(
            f"line {p['row']} {p['column'] or ''}: {p['message']}"
            for p in response.json()["errors"]
        )
        raise FlowError(f"the CSV was refused, nothing queued: {problems}")
    first = _check(response, 201)
    again = upload()
    if _check(again, 201) != first or again.headers.get("Idempotent-Replayed") != "true":
        raise FlowError("the same Idempotency-Key did not replay the first answer")
    generation_ids = [generation["id"] for generation in first["generations"]]
    log(
        f"CSV queued {len(generation_ids)} generation(s) on template {template_id}, "
        f"batch {first['batch']}"
    )

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
    export = out / f"asset-{asset_id}-v{version['number']}-png.zip"
    with reviewer.stream("GET", f"{api}/assets/{asset_id}/export/?format=png") as response:
        if response.status_code != 200:
            response.read()
            _check(response)
        with export.open("wb") as handle:
            for chunk in response.iter_bytes():
                handle.write(chunk)
    with zipfile.ZipFile(export) as archive:
        names = archive.namelist()
    if "manifest.json" not in names:
        raise FlowError("the export ZIP has no manifest.json")
    log(f"downloaded the export to {export} ({len(names)} files)")
    return FlowResult(image=path, export=export)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--brand", required=True, help="brand slug")
    parser.add_argument("--token", required=True, help="a marketer's read-and-write token")
    parser.add_argument("--reviewer-token", required=True, help="a reviewer's write token")
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--csv", type=Path, help="a CSV to upload (default: sample rows)")
    parser.add_argument("--template", type=int, help="poster template id (default: the first)")
    parser.add_argument("--rows", type=int, default=2, help="sample rows when no --csv")
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    try:
        run(
            base_url=args.base_url,
            brand=args.brand,
            token=args.token,
            reviewer_token=args.reviewer_token,
            out=args.out,
            csv_data=args.csv.read_bytes() if args.csv else None,
            template=args.template,
            rows=args.rows,
            size=args.size,
        )
    except (FlowError, httpx.HTTPError) as exc:
        print(f"api_flow: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
