"""Exports: every preset at its pixel size, re-laid out; manifest JSON and CSV; credentials;
streamed; scoped to the user's brands and to approved versions."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from PIL import Image

from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent
from projects.content_credentials import read_manifest, read_metadata
from tests.projects.c2pa_support import c2pa_signing  # noqa: F401
from tests.projects.poster_support import PRESETS, poster_template, poster_version
from tests.projects.review_support import (  # noqa: F401
    decided,
    first_version,
    inline_queue,
    submitted,
)

pytestmark = pytest.mark.usefixtures("inline_queue")


@pytest.fixture
def approved(studio: Any) -> Any:
    template = poster_template(studio.brand, studio.admin)
    version = poster_version(studio, template, headline='=HYPERLINK("x") Summer sale')
    submitted(version, user=studio.marketer)
    decided(version, user=studio.reviewer)
    return version


def download(client: Any, url: str) -> zipfile.ZipFile:
    response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_asset_export_has_every_preset_at_its_size_and_a_manifest(
    client: Any, studio: Any, approved: Any
) -> None:
    client.force_login(studio.marketer)
    archive = download(client, f"/assets/{approved.asset_id}/export.zip?format=png")
    images = [name for name in archive.namelist() if name.endswith(".png")]
    assert len(images) == len(PRESETS)
    sizes = set()
    for name in images:
        with Image.open(io.BytesIO(archive.read(name))) as image:
            sizes.add(image.size)
        meta = read_metadata(archive.read(name))
        assert meta["version_id"] == approved.pk
        assert meta["payload_sha256"] == approved.generation.payload_sha256
    assert sizes == {(p["width"], p["height"]) for p in PRESETS}

    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert {row["file"] for row in manifest} == set(images)
    row = manifest[0]
    assert row["version_id"] == approved.pk and row["asset_id"] == approved.asset_id
    assert row["model"] == approved.generation.model
    assert row["approved_by"] == studio.reviewer.get_full_name() or studio.reviewer.username
    assert row["approved_at"]
    assert row["credentials"] == "unsigned"
    assert {check["key"] for check in row["checks"]} >= {"palette", "logo", "size"}

    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert len(rows) == len(PRESETS)
    assert rows[0]["payload_sha256"] == approved.generation.payload_sha256
    assert "palette=" in rows[0]["checks"]


def test_presets_are_re_laid_out_not_stretched(client: Any, studio: Any, approved: Any) -> None:
    client.force_login(studio.marketer)
    archive = download(client, f"/assets/{approved.asset_id}/export.zip?format=jpeg")
    story = next(n for n in archive.namelist() if "1080x1920" in n)
    assert story.endswith(".jpg")
    with Image.open(io.BytesIO(archive.read(story))) as image:
        image = image.convert("RGB")
    # The 200x100 logo box scales by min(1080/1024, 1920/1024): about 211x105, still 2:1.
    orange = [
        x for x in range(image.width) if _close(image.getpixel((x, round(910 * 1920 / 1024))))
    ]
    assert orange, "the logo should be drawn on the story preset"
    width = orange[-1] - orange[0] + 1
    assert 200 <= width <= 222


def _close(pixel: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(pixel, (242, 107, 29), strict=True))


@pytest.mark.usefixtures("c2pa_signing")
def test_signed_export_names_the_version_and_approval(
    client: Any, studio: Any, approved: Any
) -> None:
    client.force_login(studio.marketer)
    archive = download(client, f"/assets/{approved.asset_id}/export.zip?format=png")
    name = next(n for n in archive.namelist() if n.endswith(".png"))
    store = read_manifest(archive.read(name), "image/png")
    active = store["manifests"][store["active_manifest"]]
    ours = next(a for a in active["assertions"] if a["label"] == "com.brandkit.export")
    assert ours["data"]["version_id"] == approved.pk
    assert ours["data"]["approval"]["approved_by"] in (
        studio.reviewer.get_full_name(),
        studio.reviewer.username,
    )
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert {row["credentials"] for row in manifest} == {"signed"}


def test_campaign_export_holds_only_approved_assets(
    client: Any, studio: Any, approved: Any
) -> None:
    first_version(studio)  # not approved: not exported
    client.force_login(studio.reviewer)
    archive = download(client, f"/campaigns/{studio.campaign.pk}/export.zip")
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert {row["asset_id"] for row in manifest} == {approved.asset_id}


def test_a_finished_export_is_audited_and_an_abandoned_one_is_not(
    client: Any, studio: Any, approved: Any
) -> None:
    client.force_login(studio.reviewer)
    exported = AuditEvent.objects.filter(verb=AuditVerb.EXPORTED)
    response = client.get(f"/campaigns/{studio.campaign.pk}/export.zip?format=jpeg")
    next(iter(response.streaming_content))  # the client goes away after the first chunk
    assert not exported.exists()
    download(client, f"/campaigns/{studio.campaign.pk}/export.zip?format=jpeg")
    event = exported.get()
    assert event.actor == studio.reviewer and event.object_type == "campaign"
    assert event.data == {
        "format": "jpeg",
        "versions": [approved.pk],
        "assets": [approved.asset_id],
    }


def test_exports_are_scoped_and_need_an_approved_version(
    client: Any, studio: Any, approved: Any, django_user_model: Any
) -> None:
    stranger = django_user_model.objects.create_user("stranger", password="x")
    client.force_login(stranger)
    assert client.get(f"/assets/{approved.asset_id}/export.zip").status_code == 404
    assert client.get(f"/campaigns/{studio.campaign.pk}/export.zip").status_code == 404
    client.force_login(studio.marketer)
    draft = first_version(studio)
    assert client.get(f"/assets/{draft.asset_id}/export.zip").status_code == 404
    assert client.get(f"/assets/{approved.asset_id}/export.zip?format=gif").status_code == 404


def test_a_version_whose_image_is_missing_is_listed_as_skipped(
    client: Any, studio: Any, approved: Any
) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(approved.image.name)
    client.force_login(studio.marketer)
    archive = download(client, f"/campaigns/{studio.campaign.pk}/export.zip")
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["files"] == []
    assert manifest["skipped"][0]["version_id"] == approved.pk
    assert "missing" in manifest["skipped"][0]["reason"]
