"""Stored outputs: files written before the versions that reference them, and the cleanup of
files a crash left unreferenced, so no version ever points at a missing file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage

from brandkit.thumbnails import thumbnail_name
from projects.choices import AttemptOutcome, GenerationStatus
from projects.jobs import generation_run_job
from projects.models import AssetVersion
from projects.providers.base import OutputImage
from projects.queue import get_queue
from projects.services import generation_runs
from projects.services.generation_control import generation_retry
from projects.services.outputs import THUMBNAIL_SIDE, output_orphans_delete, output_store
from tests.contract.fake_provider import make_jpeg
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask, ask_ark, outcomes, stored_output_names

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

S = GenerationStatus


def _assert_every_version_has_its_files() -> None:
    for version in AssetVersion.objects.all():
        assert default_storage.exists(version.image.name), version
        assert default_storage.exists(version.thumbnail.name), version


def test_orphan_cleanup_deletes_unreferenced_files_and_keeps_referenced_ones(
    studio: Any, rq_settings: Any
) -> None:
    [generation] = ask(studio, provider="local", size="1280x720")
    work_queue()
    version = AssetVersion.objects.get(generation=generation)
    orphan = output_store(OutputImage(index=0, data=make_jpeg((64, 48), 7)))
    assert default_storage.exists(orphan.name)
    assert default_storage.exists(orphan.thumbnail_name)

    assert output_orphans_delete() == []  # a fresh file may belong to a finishing generation
    assert output_orphans_delete(older_than=timedelta(0)) == [orphan.name]
    assert not default_storage.exists(orphan.name)
    assert not default_storage.exists(orphan.thumbnail_name)
    assert stored_output_names() == [version.image.name]
    _assert_every_version_has_its_files()
    assert version.thumbnail.name == thumbnail_name(
        sha256=version.image_sha256, max_side=THUMBNAIL_SIDE
    )


def test_a_crash_between_storing_and_finishing_leaves_only_a_removable_orphan(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, monkeypatch: Any
) -> None:
    real_create = generation_runs.output_versions_create
    calls: list[int] = []

    def crash_once(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("the database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(generation_runs, "output_versions_create", crash_once)
    generation = ask_ark(studio)
    get_queue().empty()
    with pytest.raises(OSError, match="the database went away"):
        generation_run_job(generation.pk)
    generation.refresh_from_db()
    assert generation.status == S.FAILED
    assert generation.error_message.startswith("Brandkit hit an internal error")
    assert outcomes(generation) == [AttemptOutcome.FAILED]
    assert AssetVersion.objects.count() == 0
    [orphan] = stored_output_names()  # written before the transaction that failed
    _assert_every_version_has_its_files()

    assert output_orphans_delete(older_than=timedelta(0)) == [orphan]
    assert stored_output_names() == []

    # Retried, the same bytes are stored again (content-addressed) and referenced this time.
    generation_retry(generation=generation, user=studio.marketer)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == S.SUCCEEDED, generation.error_message
    version = AssetVersion.objects.get(generation=generation)
    assert version.image.name == orphan
    _assert_every_version_has_its_files()
    assert output_orphans_delete(older_than=timedelta(0)) == []
    assert stored_output_names() == [orphan]
