"""The whole flow on real Redis: request -> queue -> worker -> stored files -> versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage

from projects.choices import GenerationStatus
from projects.models import Asset, AssetVersion, Generation
from projects.providers.references import resolve_payload
from projects.references import StoredReferences
from projects.services.generation_requests import GenerationInput, generation_request
from tests.projects.conftest import work_queue

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_local_generation_from_template_ends_in_stored_versions(studio: Any, rq_settings: Any) -> None:
    generations = generation_request(
        generation_input=GenerationInput(
            campaign_id=studio.campaign.pk,
            poster_template_id=studio.template.pk,
            slot_values={"product": "cold brew"},
            reference_pack_id=studio.pack.pk,
            size="1280x720",
            variants=2,
            provider="local",
        ),
        user=studio.marketer,
    )
    assert [g.status for g in generations] == [GenerationStatus.QUEUED] * 2
    work_queue()
    for generation in Generation.objects.filter(pk__in=[g.pk for g in generations]):
        assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
        assert generation.attempts == 1
        version = AssetVersion.objects.get(generation=generation)
        assert (version.width, version.height) == (1280, 720)
        assert default_storage.exists(version.image.name)
        assert default_storage.exists(version.thumbnail.name)
        assert version.asset.latest_version_id == version.pk
        assert "cold brew" in generation.prompt and "palette #0A3D62" in generation.prompt
        assert len(generation.payload["image"]) == 2  # the pack's two references
        assert all(ref.startswith("sha256:") for ref in generation.payload["image"])
    assert Asset.objects.filter(campaign=studio.campaign).count() == 2


def test_ark_generation_sends_exactly_the_stored_payload(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    [generation] = generation_request(
        generation_input=GenerationInput(
            campaign_id=studio.campaign.pk,
            prompt="a cold brew bottle on a counter",
            reference_pack_id=studio.pack.pk,
            size="2K",
            provider="ark",
        ),
        user=studio.marketer,
    )
    work_queue()
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
    [post] = fake_provider.posts()
    assert post.json == resolve_payload(generation.payload, StoredReferences())
    assert generation.billed_images == 1
    assert generation.cost > 0
    assert AssetVersion.objects.filter(generation=generation).count() == 1
