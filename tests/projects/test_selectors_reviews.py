"""Reads of the review pages: references are matched by hash within the asset's brand only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from projects.models import AssetVersion
from projects.selectors.reviews import version_references
from tests.factories import brand_with_admin, draft_pack
from tests.projects.generation_support import ask
from tests.projects.review_support import LOCAL_SIZE, inline_queue  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]


def test_references_never_name_another_brands_pack_holding_the_same_bytes(studio: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(
            studio, provider="local", size=LOCAL_SIZE, reference_pack_id=studio.pack.pk
        )
    version = AssetVersion.objects.get(generation=generation)
    other, _admin = brand_with_admin(name="Bravo", slug="bravo")
    twin = draft_pack(other, name="Bravo secret pack", images=2)  # the same bytes as studio.pack
    assert set(twin.images.values_list("sha256", flat=True)) == set(
        studio.pack.images.values_list("sha256", flat=True)
    )

    labels = [reference["label"] for reference in version_references(version=version)]

    assert len(labels) == 2
    assert all(label.startswith(str(studio.pack)) for label in labels), labels
