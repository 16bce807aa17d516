"""Provenance in: a C2PA manifest a provider put in its output is detected when the output is
stored, recorded on the version with the original bytes kept, and shown on the asset page."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from projects.choices import GenerationStatus
from projects.models import AssetVersion
from projects.provenance import detect_c2pa
from tests.contract.fake_provider import make_jpeg
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask_ark
from tests.projects.provider_c2pa_support import SIGNER_NAME, sign_jpeg


def test_an_unsigned_image_has_no_provenance() -> None:
    assert detect_c2pa(make_jpeg((64, 48)), "image/jpeg") == {}


def test_a_signed_image_is_detected_offline() -> None:
    found = detect_c2pa(sign_jpeg(make_jpeg((64, 48))), "image/jpeg")
    assert found["c2pa"] is True and found["readable"] is True
    assert found["manifests"] == 1
    assert found["claim_generator"] == "BytePlus_ModelArk"
    assert found["signer"] == SIGNER_NAME
    assert found["validation_state"] in ("Valid", "Trusted")
    assert found["active_manifest"].startswith("urn:")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_signed_output_is_stored_untouched_and_recorded_on_its_version(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    signed = sign_jpeg(make_jpeg((256, 256)))
    fake_provider.image_bytes = lambda index: signed  # the provider signs its outputs
    generation = ask_ark(studio)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
    version = AssetVersion.objects.get(generation=generation)
    assert version.provenance["c2pa"] is True
    assert version.provenance["signer"] == SIGNER_NAME
    with default_storage.open(version.image.name, "rb") as stored:
        assert stored.read() == signed  # the manifest survives: bytes kept as sent
    assert version.image_sha256 == hashlib.sha256(signed).hexdigest()
    client = Client()
    client.force_login(studio.marketer)
    html = client.get(version.asset.get_absolute_url()).content.decode()
    assert "Content credentials (C2PA) from the provider: BytePlus_ModelArk" in html
