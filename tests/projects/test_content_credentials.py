"""Content credentials: metadata always, a C2PA manifest when configured, the provider's
manifest kept as parent ingredient (EDIT), read back offline with c2pa-python."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from projects.content_credentials import (
    SIGNED,
    UNSIGNED,
    Credentials,
    encode_with_metadata,
    has_manifest,
    read_manifest,
    read_metadata,
    sign,
)
from tests.projects.c2pa_support import c2pa_signing  # noqa: F401

CREDENTIALS = Credentials(
    version_id=42,
    asset_id=7,
    payload_sha256="ab" * 32,
    provider="ark",
    model="seedream-5-0-pro",
    template="Sale poster v1",
    preset="Square",
    approved_by="rita",
    approved_at="2026-12-01T10:00:00+00:00",
)
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def image() -> Image.Image:
    return Image.new("RGB", (64, 48), (10, 61, 98))


def test_metadata_is_embedded_in_png_and_jpeg() -> None:
    for fmt in ("png", "jpeg"):
        data = encode_with_metadata(image(), fmt, CREDENTIALS)
        meta = read_metadata(data)
        assert meta is not None
        assert meta["version_id"] == 42 and meta["payload_sha256"] == "ab" * 32


def test_without_a_certificate_the_export_is_unsigned(settings: Any) -> None:
    settings.BRANDKIT_C2PA_CERT = settings.BRANDKIT_C2PA_KEY = ""
    data = encode_with_metadata(image(), "png", CREDENTIALS)
    signed, state = sign(data, "png", title="x.png", credentials=CREDENTIALS)
    assert state == UNSIGNED and signed == data
    assert not has_manifest(signed, "image/png")


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        action
        for assertion in manifest["assertions"]
        if assertion["label"].startswith("c2pa.actions")
        for action in assertion["data"]["actions"]
    ]


@pytest.mark.usefixtures("c2pa_signing")
def test_signed_manifest_reads_back_naming_the_version_and_approval() -> None:
    for fmt, mime in (("png", "image/png"), ("jpeg", "image/jpeg")):
        data = encode_with_metadata(image(), fmt, CREDENTIALS)
        signed, state = sign(data, fmt, title=f"poster.{fmt}", credentials=CREDENTIALS)
        assert state == SIGNED
        store = read_manifest(signed, mime)
        active = store["manifests"][store["active_manifest"]]
        ours = next(a for a in active["assertions"] if a["label"] == "com.brandkit.export")
        assert ours["data"]["version_id"] == 42
        assert ours["data"]["approval"] == {
            "approved_by": "rita",
            "approved_at": "2026-12-01T10:00:00+00:00",
        }
        created = [a for a in _actions(active) if a["action"] == "c2pa.created"]
        assert created and created[0]["digitalSourceType"] == TRAINED
        # Our own metadata, written before signing, survives it.
        assert read_metadata(signed)["version_id"] == 42


@pytest.mark.usefixtures("c2pa_signing")
def test_a_provider_manifest_is_kept_as_parent_ingredient_with_edit() -> None:
    provider_output, _ = sign(
        encode_with_metadata(image(), "jpeg", CREDENTIALS),
        "jpeg",
        title="provider.jpg",
        credentials=CREDENTIALS,
    )
    assert has_manifest(provider_output, "image/jpeg")
    poster = encode_with_metadata(Image.new("RGB", (64, 64), "white"), "png", CREDENTIALS)
    signed, _ = sign(
        poster,
        "png",
        title="poster.png",
        credentials=CREDENTIALS,
        parent=(provider_output, "image/jpeg"),
    )
    store = read_manifest(signed, "image/png")
    assert len(store["manifests"]) == 2
    active = store["manifests"][store["active_manifest"]]
    assert [i["relationship"] for i in active["ingredients"]] == ["parentOf"]
    assert "c2pa.created" not in [a["action"] for a in _actions(active)]
    assert io.BytesIO(signed).getbuffer().nbytes > len(poster)
