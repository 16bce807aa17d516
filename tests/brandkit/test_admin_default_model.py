"""The brand's default model is checked when it is saved: a model id the table does not know is
refused (with how to map it) unless a mapping saved with it names it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from brandkit.models import Brand
from tests.brandkit.test_admin_provider_credentials import form_data
from tests.factories import brand_with_admin

pytestmark = pytest.mark.django_db

MAPPINGS = "model_mappings"


@pytest.fixture
def brand_admin(client: Client) -> tuple[Brand, Client, str]:
    brand, admin = brand_with_admin(name="Northwind Coffee", slug="northwind")
    client.force_login(admin)
    return brand, client, reverse("admin:brandkit_brand_change", args=[brand.pk])


def _with_mapping(data: dict[str, str], model_id: str, maps_to: str) -> dict[str, str]:
    index = int(data[f"{MAPPINGS}-TOTAL_FORMS"])
    return {
        **data,
        f"{MAPPINGS}-TOTAL_FORMS": str(index + 1),
        f"{MAPPINGS}-{index}-id": "",
        f"{MAPPINGS}-{index}-model_id": model_id,
        f"{MAPPINGS}-{index}-maps_to": maps_to,
    }


def test_an_unknown_default_model_is_refused_with_how_to_map_it(
    brand_admin: tuple[Brand, Client, str],
) -> None:
    brand, client, url = brand_admin
    data = {**form_data(client, url), "default_model": "seedream-5-5-typo"}
    response = client.post(url, {**data, "_continue": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Default model: Model &#x27;seedream-5-5-typo&#x27; is not in Brandkit" in page
    assert "adds a model mapping" in page
    brand.refresh_from_db()
    assert brand.default_model == ""


@pytest.mark.parametrize("model_id", ["seedream-5-5-261028", "seedream-4-0-250828", ""])
def test_a_table_model_or_blank_is_saved(
    brand_admin: tuple[Brand, Client, str], model_id: str
) -> None:
    brand, client, url = brand_admin
    data = {**form_data(client, url), "default_model": model_id}
    response = client.post(url, {**data, "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    brand.refresh_from_db()
    assert brand.default_model == model_id


def test_an_endpoint_id_is_saved_with_the_mapping_that_names_it(
    brand_admin: tuple[Brand, Client, str],
) -> None:
    brand, client, url = brand_admin
    data = _with_mapping(
        {**form_data(client, url), "default_model": "ep-20261201-abcd"},
        "ep-20261201-abcd",
        "seedream-5-5-261028",
    )
    response = client.post(url, {**data, "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    brand.refresh_from_db()
    assert brand.default_model == "ep-20261201-abcd"
    assert list(brand.model_mappings.values_list("model_id", "maps_to")) == [
        ("ep-20261201-abcd", "seedream-5-5-261028")
    ]
