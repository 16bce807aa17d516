"""Reproducing a version: its exact stored payload sent again as a new generation, and the
outcome compared with the original, byte for byte (the local renderer) or perceptually (hosted
models). A reproduction never becomes a version of the asset."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent
from projects.choices import GenerationStatus
from projects.exceptions import BudgetExceeded, GenerationRefused
from projects.models import Asset, AssetVersion, Generation, Reproduction
from projects.services.campaigns import campaign_create
from projects.services.generation_control import generation_retry
from projects.services.reproductions import reproduction_request
from tests.contract.fake_provider import Fault, make_jpeg
from tests.factories import UserFactory
from tests.projects.generation_support import ask_ark
from tests.projects.review_support import (  # noqa: F401
    LOCAL_SIZE,
    first_version,
    inline_queue,
    next_version,
)

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]


def _reproduce(version: AssetVersion, *, user: Any, capture: Any, run: bool = True) -> Reproduction:
    """reproduction_request, then (with `run`) its generation run in process."""
    with capture(execute=run):
        reproduction = reproduction_request(version=version, user=user)
    return Reproduction.objects.select_related("generation").get(pk=reproduction.pk)


def _assert_no_new_version(version: AssetVersion, reproduction: Reproduction) -> None:
    asset = Asset.objects.get(pk=version.asset_id)
    assert list(asset.versions.values_list("pk", flat=True)) == [version.pk]
    assert asset.latest_version_id == version.pk
    assert not AssetVersion.objects.filter(generation=reproduction.generation).exists()
    assert Asset.objects.count() == 1


def test_reproduction_request_queues_the_exact_stored_payload(
    studio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = first_version(studio)
    original = version.generation
    reproduction = _reproduce(
        version, user=studio.reviewer, capture=django_capture_on_commit_callbacks, run=False
    )
    generation = reproduction.generation
    assert generation.pk != original.pk
    assert generation.is_reproduction
    assert generation.source_version_id == version.pk
    assert generation.payload == original.payload
    assert generation.payload_sha256 == original.payload_sha256
    assert (generation.provider, generation.model, generation.mode) == (
        original.provider,
        original.model,
        original.mode,
    )
    assert generation.status == GenerationStatus.QUEUED
    assert generation.requested_by_id == studio.reviewer.pk
    assert reproduction.version_id == version.pk
    assert reproduction.is_identical is None
    [event] = AuditEvent.objects.filter(verb=AuditVerb.REPRODUCED)
    assert (event.actor_id, event.object_type, event.object_id) == (
        studio.reviewer.pk,
        "assetversion",
        version.pk,
    )
    assert (event.campaign_id, event.asset_id, event.version_id) == (
        studio.campaign.pk,
        version.asset_id,
        version.pk,
    )
    assert event.data == {
        "generation": generation.pk,
        "payload_sha256": original.payload_sha256,
    }


def test_a_local_reproduction_is_byte_identical_and_adds_no_version(
    studio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = first_version(studio)
    reproduction = _reproduce(
        version, user=studio.marketer, capture=django_capture_on_commit_callbacks
    )
    assert reproduction.generation.status == GenerationStatus.SUCCEEDED
    assert reproduction.is_identical is True
    assert reproduction.distance == 0.0
    assert reproduction.output_sha256 == version.image_sha256
    assert reproduction.output_image.name == version.image.name  # content-addressed: same file
    assert reproduction.finished_at is not None
    _assert_no_new_version(version, reproduction)


def test_reproducing_an_edit_resends_the_edited_version_and_is_byte_identical(
    studio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version_two = next_version(studio, first_version(studio))
    reproduction = _reproduce(
        version_two, user=studio.admin, capture=django_capture_on_commit_callbacks
    )
    assert (
        reproduction.generation.payload["image"][0] == (version_two.generation.payload["image"][0])
    )
    assert reproduction.is_identical is True
    assert reproduction.distance == 0.0
    assert Asset.objects.get(pk=version_two.asset_id).versions.count() == 2


def test_a_hosted_reproduction_differs_and_is_measured(
    studio: Any,
    provider_settings: Any,
    fake_provider: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = first_version(studio, provider="ark")
    # A hosted model does not return the same bytes twice: the same picture, encoded anew.
    again = io.BytesIO()
    Image.open(io.BytesIO(make_jpeg(fake_provider.image_size, 0))).save(again, "JPEG", quality=50)
    fake_provider.image_bytes = lambda index: again.getvalue()
    reproduction = _reproduce(
        version, user=studio.marketer, capture=django_capture_on_commit_callbacks
    )
    first_post, second_post = fake_provider.posts()
    assert second_post.json == first_post.json
    assert reproduction.generation.status == GenerationStatus.SUCCEEDED
    assert reproduction.is_identical is False
    assert reproduction.output_sha256 != version.image_sha256
    assert 0 < reproduction.distance < 0.05
    assert default_storage.exists(reproduction.output_image.name)
    assert default_storage.exists(reproduction.output_thumbnail.name)
    _assert_no_new_version(version, reproduction)


def test_a_reproduction_must_fit_the_campaign_budget(
    studio: Any,
    provider_settings: Any,
    fake_provider: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    tight = dataclasses.replace(
        studio,
        campaign=campaign_create(
            brand=studio.brand, owner=studio.marketer, name="Tight", budget=Decimal("0.05")
        ),
    )
    version = first_version(tight, provider="ark")  # $0.03 of $0.05 spent
    generations = Generation.objects.count()
    with pytest.raises(BudgetExceeded, match="past its budget"):
        _reproduce(version, user=studio.marketer, capture=django_capture_on_commit_callbacks)
    assert Generation.objects.count() == generations
    assert not Reproduction.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.REPRODUCED).exists()
    assert len(fake_provider.posts()) == 1


def test_a_reproduction_starts_with_a_fresh_attempt_budget(
    studio: Any,
    provider_settings: Any,
    fake_provider: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fake_provider.script(Fault.CONTENT_FILTER)
    with django_capture_on_commit_callbacks(execute=True):
        original = ask_ark(studio, size=LOCAL_SIZE)
    original.refresh_from_db()
    assert original.status == GenerationStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        generation_retry(generation=original, user=studio.marketer)  # a person's retry
    original.refresh_from_db()
    assert original.status == GenerationStatus.SUCCEEDED
    assert original.max_attempts == 1 + settings.GENERATION_MAX_ATTEMPTS
    version = AssetVersion.objects.get(generation=original)
    reproduction = _reproduce(
        version, user=studio.marketer, capture=django_capture_on_commit_callbacks, run=False
    )
    assert reproduction.generation.attempts == 0
    assert reproduction.generation.max_attempts == settings.GENERATION_MAX_ATTEMPTS


def test_only_members_of_the_brand_reproduce(
    studio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = first_version(studio)
    with pytest.raises(GenerationRefused, match="Only members"):
        _reproduce(
            version,
            user=UserFactory(username="outsider"),
            capture=django_capture_on_commit_callbacks,
        )
    assert not Reproduction.objects.exists()
