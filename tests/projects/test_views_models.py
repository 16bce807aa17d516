"""The Models page, and the campaign form offering the models with what each can do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from brandkit.models import ModelMapping
from projects.models import Generation
from projects.providers.catalog import all_models
from tests.factories import brand_with_admin

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_models_page_lists_every_model_with_limits_and_prices(
    studio: Any, settings: Any
) -> None:
    settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "", "local": "0"}
    ModelMapping.objects.create(
        brand=studio.brand, model_id="ep-acme-1", maps_to="seedream-5-5-261028"
    )
    other, _admin = brand_with_admin(name="Other", slug="other")
    ModelMapping.objects.create(
        brand=other, model_id="ep-other-secret", maps_to="seedream-4-5-251128"
    )
    response = client_for(studio.marketer).get(reverse("projects:model_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for model in all_models():
        assert f'id="model-{model.id}"' in html
    row = html.split('id="model-seedream-5-5-261028"')[1].split("</tr>")[0]
    assert "no: one image per request" in row
    assert "up to 10" in row
    assert "1K $0.02" in row and "2K $0.035" in row
    assert "$0.008 (each billed)" in row
    pro = html.split('id="model-dola-seedream-5-0-pro-260628"')[1].split("</tr>")[0]
    assert "$0.003 (first 1 free)" in pro and "transparent from one reference" in pro
    assert "ep-acme-1" in html
    assert "ep-other-secret" not in html  # another brand's mapping stays hidden


def test_the_models_page_needs_a_login() -> None:
    response = Client().get(reverse("projects:model_list"))
    assert response.status_code == 302


def test_the_form_offers_every_model_with_its_capabilities(studio: Any, settings: Any) -> None:
    settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "", "local": "0"}
    ModelMapping.objects.create(
        brand=studio.brand, model_id="ep-acme-1", maps_to="seedream-5-5-261028"
    )
    html = client_for(studio.marketer).get(studio.campaign.get_absolute_url()).content.decode()
    option = re.search(r'<option value="seedream-5-5-261028"[^>]*>([^<]*)', html)
    assert option is not None
    assert option.group(1) == (
        "Seedream 5.5 · one image · 10 references · 1K/1.5K/2K · transparent · from $0.02"
    )
    assert 'data-sizes="1K 1.5K 2K"' in option.group(0)
    assert 'data-max-outputs="1"' in option.group(0)
    assert 'data-backgrounds="auto opaque transparent"' in option.group(0)
    mapped = re.search(r'<option value="ep-acme-1"[^>]*>([^<]*)', html)
    assert mapped is not None and "as Seedream 5.5" in mapped.group(1)
    assert 'data-max-outputs="1"' in mapped.group(0)
    assert "<script>" not in html  # behaviour lives in static/js/campaign.js


def test_the_server_refuses_what_the_form_hides(studio: Any, settings: Any) -> None:
    settings.ARK_API_KEY = "test-key"
    response = client_for(studio.marketer).post(
        studio.campaign.get_absolute_url(),
        {
            "mode": "group",
            "prompt": "a bottle",
            "size": "2K",
            "group_size": "4",
            "variants": "1",
            "provider": "ark",
            "model": "seedream-5-5-261028",
            "watermark": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = "Seedream 5.5 makes one image per request; ask for 4 variants instead"
    assert message in html.split('id="id_group_size"')[1].split("</p>")[0]
    assert Generation.objects.count() == 0


def test_a_model_chosen_in_the_form_is_queued_with_it(studio: Any, settings: Any) -> None:
    settings.ARK_API_KEY = "test-key"
    response = client_for(studio.marketer).post(
        studio.campaign.get_absolute_url(),
        {
            "mode": "text_to_image",
            "prompt": "a bottle",
            "size": "1.5K",
            "group_size": "1",
            "variants": "1",
            "provider": "ark",
            "model": "seedream-5-5-261028",
            "background": "transparent",
        },
    )
    assert response.status_code == 302
    generation = Generation.objects.get()
    assert generation.model == "seedream-5-5-261028"
    assert generation.payload["background"] == "transparent"
    assert generation.payload["output_format"] == "png"
    assert generation.payload["size"] == "1.5K"


def test_the_compare_diff_names_a_changed_background() -> None:
    from projects.payloads import payload_diff

    changes = payload_diff(
        {"model": "seedream-5-5-261028", "prompt": "p"},
        {"model": "seedream-5-5-261028", "prompt": "p", "background": "transparent"},
        providers=("ark", "ark"),
    )
    assert [(c.field, c.before, c.after) for c in changes] == [("background", "—", "transparent")]
