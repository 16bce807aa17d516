"""Transparent PNG end to end: asked with the model that makes it, stored as PNG with its alpha,
thumbnailed with alpha, shown on a checkerboard, reproduced with the alpha kept."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from projects.choices import GenerationStatus
from projects.models import AssetVersion, Generation
from projects.services.reproductions import reproduction_request
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask_ark

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _alpha_range(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA", image.mode
        low, high = image.getchannel("A").getextrema()
    return low, high


def test_a_transparent_png_is_stored_with_its_alpha_and_shown_on_a_checkerboard(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio, model="seedream-5-5-261028", background="transparent")
    assert generation.payload["output_format"] == "png"
    work_queue()
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
    version = AssetVersion.objects.get(generation=generation)
    assert version.content_type == "image/png"
    assert version.image.name.endswith(".png")
    with default_storage.open(version.image.name, "rb") as stored:
        data = stored.read()
    assert data == fake_provider.png_bytes(0)  # the provider's bytes, untouched
    assert _alpha_range(data) == (0, 255)
    with default_storage.open(version.thumbnail.name, "rb") as thumb:
        assert _alpha_range(thumb.read())[0] == 0  # the thumbnail keeps the transparency

    client = Client()
    client.force_login(studio.marketer)
    html = client.get(version.asset.get_absolute_url()).content.decode()
    assert f'<img class="checker" src="{version.image.url}"' in html
    assert "PNG (transparency shown on a checkerboard)" in html
    html = client.get(studio.campaign.get_absolute_url()).content.decode()
    assert 'img class="checker"' in html


def test_reproducing_a_transparent_version_sends_the_same_body_and_keeps_png(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    ask_ark(studio, model="seedream-5-5-261028", background="transparent")
    work_queue()
    version = AssetVersion.objects.get()
    reproduction_request(version=version, user=studio.marketer)
    work_queue()
    first, second = fake_provider.posts()
    assert first.json == second.json
    assert second.json["background"] == "transparent"
    reproduction = Generation.objects.get(is_reproduction=True)
    assert reproduction.status == GenerationStatus.SUCCEEDED, reproduction.error_message
