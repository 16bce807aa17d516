"""Exports of approved versions as a ZIP streamed to the client.

Every export preset of the version's template is drawn from the same template, re-laid out for
its size (not stretched), as PNG or JPEG with its content credentials; a manifest (JSON and CSV)
lists each file with its asset, version, payload hash, model, approval and brand-check results.
The ZIP is written entry by entry into a small buffer that is handed out and emptied after each
file, so memory stays flat however many assets the export holds: one image is in memory at once.
Versions not made from a template are exported as their original output, once.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.utils.text import slugify

from brandkit.choices import AuditVerb
from brandkit.csv_cells import csv_line
from brandkit.services.audit import audit_record
from brandkit.services.poster_layouts import TemplateLayout, export_presets, template_layout
from projects.choices import Decision
from projects.content_credentials import Credentials, encode_with_metadata, sign
from projects.models import Asset, AssetVersion, Campaign, Review
from projects.services.posters import (
    PosterUnavailable,
    decode_output,
    poster_origin,
    poster_render,
    read_output,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

EXPORT_FORMATS = {"png": "png", "jpeg": "jpg"}
MANIFEST_FIELDS = (
    "file",
    "asset_id",
    "asset_title",
    "version_id",
    "version_number",
    "preset",
    "width",
    "height",
    "format",
    "payload_sha256",
    "provider",
    "model",
    "template",
    "approved_by",
    "approved_at",
    "checks_status",
    "checks",
    "credentials",
)


@dataclass(frozen=True)
class ManifestRow:
    file: str
    asset_id: int
    asset_title: str
    version_id: int
    version_number: int
    preset: str
    width: int
    height: int
    format: str
    payload_sha256: str
    provider: str
    model: str
    template: str
    approved_by: str
    approved_at: str
    checks_status: str
    checks: list[dict[str, object]]
    credentials: str


class _ChunkSink:
    """A write-only file for zipfile: collects bytes until `take` hands them out."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _approvals(versions: list[AssetVersion]) -> dict[int, Review]:
    """The latest approving review of each version, in one query."""
    latest: dict[int, Review] = {}
    reviews = (
        Review.objects.filter(version__in=versions, decision=Decision.APPROVE)
        .select_related("decided_by")
        .order_by("decided_at")
    )
    for review in reviews:
        latest[review.version_id] = review
    return latest


def _version_files(
    version: AssetVersion,
    fmt: str,
    approval: Review | None,
    layouts: dict[int, TemplateLayout],
    skipped: list[dict[str, object]],
) -> Iterator[tuple[str, bytes, ManifestRow]]:
    generation = version.generation
    origin = poster_origin(version)
    template = origin[0] if origin else None
    folder = f"{version.asset_id}-{slugify(version.asset.title)[:60] or 'asset'}"
    extension = EXPORT_FORMATS[fmt]
    approved_by = (
        (approval.decided_by.get_full_name() or approval.decided_by.get_username())
        if approval
        else ""
    )
    approved_at = approval.decided_at.isoformat() if approval else ""
    try:
        raw = read_output(version)
        source = decode_output(raw)
    except PosterUnavailable as exc:
        skipped.append({"version_id": version.pk, "preset": "", "reason": exc.message})
        return
    parent = (raw, version.content_type)

    def credentials(preset: str) -> Credentials:
        return Credentials(
            version_id=version.pk,
            asset_id=version.asset_id,
            payload_sha256=generation.payload_sha256,
            provider=generation.provider,
            model=generation.model,
            template=str(template) if template else "",
            preset=preset,
            approved_by=approved_by,
            approved_at=approved_at,
        )

    def row(name: str, preset: str, size: tuple[int, int], checks: list, state: str) -> ManifestRow:
        return ManifestRow(
            file=name,
            asset_id=version.asset_id,
            asset_title=version.asset.title,
            version_id=version.pk,
            version_number=version.number,
            preset=preset,
            width=size[0],
            height=size[1],
            format=fmt,
            payload_sha256=generation.payload_sha256,
            provider=generation.provider,
            model=generation.model,
            template=str(template) if template else "",
            approved_by=approved_by,
            approved_at=approved_at,
            checks_status=worst_status_of(checks),
            checks=checks,
            credentials=state,
        )

    if template is None:
        name = f"{folder}/v{version.number}-original.{extension}"
        data = encode_with_metadata(source, fmt, credentials("original"))
        data, state = sign(
            data, fmt, title=name, credentials=credentials("original"), parent=parent
        )
        yield name, data, row(name, "original", source.size, [], state)
        return
    if template.pk not in layouts:  # a campaign's assets share a few templates
        layouts[template.pk] = template_layout(template=template)
    laid_out = layouts[template.pk]
    for preset in export_presets(template):
        try:
            rendered = poster_render(
                version=version,
                size=(preset.width, preset.height),
                source=source,
                laid_out=laid_out,
            )
        except PosterUnavailable as exc:
            skipped.append({"version_id": version.pk, "preset": preset.name, "reason": exc.message})
            continue
        checks = [asdict(check) for check in rendered.checks]
        name = f"{folder}/v{version.number}-{preset.slug}.{extension}"
        data = encode_with_metadata(rendered.composed.image, fmt, credentials(preset.name))
        data, state = sign(
            data, fmt, title=name, credentials=credentials(preset.name), parent=parent
        )
        yield name, data, row(name, preset.name, (preset.width, preset.height), checks, state)


def worst_status_of(checks: list[dict[str, object]]) -> str:
    if not checks:
        return ""
    order = {"pass": 0, "warn": 1, "fail": 2}
    return max((str(c["status"]) for c in checks), key=lambda s: order.get(s, 0))


def export_zip_stream(*, versions: Iterable[AssetVersion], fmt: str) -> Iterator[bytes]:
    """The ZIP of `versions` (each with its generation and asset loaded), chunk by chunk."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    versions = list(versions)
    approvals = _approvals(versions)
    sink = _ChunkSink()
    rows: list[ManifestRow] = []
    layouts: dict[int, TemplateLayout] = {}
    skipped: list[dict[str, object]] = []
    # Images are already compressed: store them, and deflate only the manifests.
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for version in versions:
            for name, data, manifest_row in _version_files(
                version, fmt, approvals.get(version.pk), layouts, skipped
            ):
                archive.writestr(name, data)
                rows.append(manifest_row)
                del data
                yield sink.take()
        manifest = {"files": [asdict(row) for row in rows], "skipped": skipped}
        archive.writestr(
            "manifest.json",
            json.dumps(manifest, indent=2, sort_keys=True),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        lines = [csv_line(MANIFEST_FIELDS)]
        for manifest_row in rows:
            values = asdict(manifest_row)
            values["checks"] = "; ".join(
                f"{check['key']}={check['status']}" for check in manifest_row.checks
            )
            lines.append(csv_line(values[field] for field in MANIFEST_FIELDS))
        archive.writestr("manifest.csv", "".join(lines), compress_type=zipfile.ZIP_DEFLATED)
    yield sink.take()


def export_stream(
    *,
    subject: Asset | Campaign,
    versions: list[AssetVersion],
    fmt: str,
    user: AbstractBaseUser,
) -> Iterator[bytes]:
    """The export ZIP of `versions` (of one asset or campaign), chunk by chunk; once the last
    chunk is out, an `exported` audit event is written, which sends the `export.ready` webhook.
    An export the client abandons half-way records nothing: no ZIP was produced."""
    yield from export_zip_stream(versions=versions, fmt=fmt)
    if isinstance(subject, Asset):
        campaign = subject.campaign
        asset_id: int | None = subject.pk
    else:
        campaign, asset_id = subject, None
    audit_record(
        brand_id=campaign.brand_id,
        verb=AuditVerb.EXPORTED,
        subject=subject,
        actor=user,
        campaign_id=campaign.pk,
        asset_id=asset_id,
        version_id=versions[0].pk if asset_id is not None and versions else None,
        data={
            "format": fmt,
            "versions": [version.pk for version in versions],
            "assets": sorted({version.asset_id for version in versions}),
        },
    )
