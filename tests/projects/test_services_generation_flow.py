"""The whole flow on real Redis: request -> queue -> worker -> stored files -> versions, for text
to image, a group and an edit of an existing version."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage

from projects.choices import GenerationMode, GenerationStatus
from projects.models import Asset, AssetVersion, Generation
from projects.providers.references import encode_data_uri, resolve_payload, sniff_content_type
from projects.references import StoredReferences
from projects.services.generation_requests import GenerationInput, generation_request
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask, ask_ark

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_local_generation_from_template_ends_in_stored_versions(
    studio: Any, rq_settings: Any
) -> None:
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


def test_ark_group_stores_each_image_as_its_own_asset(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    generation = ask_ark(studio, mode=GenerationMode.GROUP, group_size=3)
    assert generation.expected_images == 3
    work_queue()
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
    [post] = fake_provider.posts()
    assert post.json == resolve_payload(generation.payload, StoredReferences())
    assert post.json["sequential_image_generation"] == "auto"
    assert post.json["sequential_image_generation_options"] == {"max_images": 3}
    versions = list(AssetVersion.objects.filter(generation=generation).order_by("output_index"))
    assert [version.output_index for version in versions] == [0, 1, 2]
    assert len({version.asset_id for version in versions}) == 3
    for version in versions:
        assert version.number == 1
        assert version.parent_id is None
        assert version.asset.latest_version_id == version.pk
        expected = fake_provider.image_bytes(version.output_index)
        assert version.image_sha256 == hashlib.sha256(expected).hexdigest()
        with default_storage.open(version.image.name, "rb") as stored:
            assert stored.read() == expected
    assert generation.billed_images == 3
    assert generation.cost == Decimal("0.0900")
    assert generation.failed_outputs == []


def test_edit_sends_the_version_first_and_becomes_version_two_of_its_asset(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    [original] = ask(studio, provider="local", size="1280x720")
    work_queue()
    version_one = AssetVersion.objects.get(generation=original)
    edit = ask_ark(
        studio,
        mode=GenerationMode.EDIT,
        source_version_id=version_one.pk,
        reference_pack_id=studio.pack.pk,
        prompt="the same bottle with a blue label",
    )
    assert edit.payload["image"][0] == f"sha256:{version_one.image_sha256}"
    assert len(edit.payload["image"]) == 3  # the version, then the pack's two images
    work_queue()
    edit.refresh_from_db()
    assert edit.status == GenerationStatus.SUCCEEDED, edit.error_message
    [post] = fake_provider.posts()
    assert post.json == resolve_payload(edit.payload, StoredReferences())
    with default_storage.open(version_one.image.name, "rb") as stored:
        version_bytes = stored.read()
    assert post.json["image"][0] == encode_data_uri(
        version_bytes, sniff_content_type(version_bytes) or ""
    )
    version_two = AssetVersion.objects.get(generation=edit)
    assert version_two.asset_id == version_one.asset_id
    assert version_two.number == 2
    assert version_two.parent_id == version_one.pk
    assert Asset.objects.get(pk=version_one.asset_id).latest_version_id == version_two.pk
    assert Asset.objects.filter(campaign=studio.campaign).count() == 1
