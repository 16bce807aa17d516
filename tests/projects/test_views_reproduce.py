"""The asset page's "Reproduce from payload" view, requested for every model: what reaches the
provider is compared with the body fixtures (written from the research), not with the code's
own output; and a row stored before the model table existed still reproduces byte for byte."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from projects.choices import GenerationStatus
from projects.models import AssetVersion, Generation
from projects.providers.catalog import all_models
from tests.contract.fake_replies import load_fixture
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask_ark
from tests.projects.model_bodies_support import model_fixture

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _reproduce_through_the_view(studio: Any, version: AssetVersion) -> Any:
    client = Client()
    client.force_login(studio.marketer)
    url = reverse(
        "projects:version_reproduce",
        kwargs={"pk": version.asset_id, "number": version.number},
    )
    response = client.post(url)
    assert response.status_code == 302
    work_queue()
    return Generation.objects.get(is_reproduction=True)


@pytest.mark.parametrize("model", all_models(), ids=lambda model: model.id)
def test_reproducing_sends_the_fixture_body_for_every_model(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any, model: Any
) -> None:
    # The brand adds nothing to the prompt, so the request is exactly the fixture's case.
    studio.brand.prompt_suffix = ""
    studio.brand.save()
    case = model_fixture("ark", model.id)["cases"]["text_to_image"]
    ask_ark(studio, model=model.id, prompt=case["spec"]["prompt"], size=case["spec"]["size"])
    work_queue()
    version = AssetVersion.objects.get()
    reproduction = _reproduce_through_the_view(studio, version)
    assert reproduction.status == GenerationStatus.SUCCEEDED, reproduction.error_message
    original, again = fake_provider.posts()
    assert original.json == case["body"]
    assert again.json == case["body"]


def test_a_row_stored_before_the_model_table_reproduces_its_exact_payload(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    """An old 4.0 row: its stored body (the contract fixture of that time) and parameters
    without a price basis."""
    old_body = load_fixture("ark", "text_to_image")["body"]
    generation = ask_ark(studio)
    work_queue()
    Generation.objects.filter(pk=generation.pk).update(
        payload=copy.deepcopy(old_body),
        parameters={"size": "2K", "group_size": 1, "watermark": False, "seed": None},
    )
    version = AssetVersion.objects.get()
    reproduction = _reproduce_through_the_view(studio, version)
    assert reproduction.status == GenerationStatus.SUCCEEDED, reproduction.error_message
    assert fake_provider.posts()[-1].json == old_body
    # Priced as 4.0 was: $0.03 for the one billed image.
    assert str(reproduction.cost) == "0.0300"
