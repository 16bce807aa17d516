"""The provider overrides inline of the brand admin: the key is stored encrypted and never shown."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse

from brandkit.models import BrandProviderCredential
from brandkit.services.provider_credentials import provider_overrides
from tests.factories import brand_with_admin

pytestmark = pytest.mark.django_db

PREFIX = "provider_credentials"
API_KEY = "ark-admin-key-0123456789-wxyz"
BASE_URL = "https://ark.cn-beijing.volces.com/api/v3"


class ChangeFormParser(HTMLParser):
    """The values a browser would submit from the admin's main change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.in_form = False
        self.select: str | None = None
        self.select_first: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.in_form = a.get("id", "").endswith("_form")
        if not self.in_form or (tag != "option" and "name" not in a):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self.select, self.select_first = a["name"], None
        elif tag == "option" and self.select:
            if self.select_first is None:
                self.select_first = a.get("value", "")
            if "selected" in a:
                self.data[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.data[self.textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += data.lstrip("\n") if not self.data[self.textarea] else data


def form_data(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = ChangeFormParser()
    parser.feed(response.content.decode())
    data = {name: value for name, value in parser.data.items() if "__prefix__" not in name}
    assert f"{PREFIX}-TOTAL_FORMS" in data, "the inline's management form is on the page"
    return data


def add_row(data: dict[str, str], **fields: str) -> dict[str, str]:
    """`data` with one more (new) row in the provider overrides inline."""
    index = int(data[f"{PREFIX}-TOTAL_FORMS"])
    data = {**data, f"{PREFIX}-TOTAL_FORMS": str(index + 1), f"{PREFIX}-{index}-id": ""}
    data.update({f"{PREFIX}-{index}-{name}": value for name, value in fields.items()})
    return data


@pytest.fixture
def brand_admin_client(client: Client):
    brand, admin = brand_with_admin(name="Northwind Coffee", slug="northwind")
    client.force_login(admin)
    return brand, client, reverse("admin:brandkit_brand_change", args=[brand.pk])


def test_brand_admin_stores_an_encrypted_key_that_is_never_echoed(brand_admin_client) -> None:
    brand, client, url = brand_admin_client
    data = add_row(
        form_data(client, url), provider="ark", api_key=API_KEY, base_url=BASE_URL, model=""
    )

    response = client.post(url, {**data, "_continue": "1"})

    assert response.status_code == 302, response.content.decode()[:2000]
    # Error reports of this page hide every POST value (the key among them).
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
    credential = BrandProviderCredential.objects.get(brand=brand)
    assert (credential.provider, credential.base_url, credential.key_hint) == (
        "ark",
        BASE_URL,
        "wxyz",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM brandkit_brandprovidercredential")
        assert all(API_KEY not in str(value) for value in cursor.fetchone())
    assert provider_overrides(brand=brand, provider="ark")["api_key"] == API_KEY

    page = client.get(url).content.decode()
    assert "…wxyz" in page
    assert API_KEY not in page
    assert credential.api_key_encrypted not in page
    entry = LogEntry.objects.get(object_id=str(brand.pk))
    assert API_KEY not in entry.change_message


def test_a_blank_key_in_the_admin_keeps_the_stored_key(brand_admin_client) -> None:
    brand, client, url = brand_admin_client
    client.post(url, {**add_row(form_data(client, url), provider="ark", api_key=API_KEY)})
    stored = BrandProviderCredential.objects.get(brand=brand).api_key_encrypted

    data = form_data(client, url)
    assert data[f"{PREFIX}-0-api_key"] == ""  # write-only: the field comes back empty
    data[f"{PREFIX}-0-model"] = "seedream-brand"
    response = client.post(url, data)

    assert response.status_code == 302
    credential = BrandProviderCredential.objects.get(brand=brand)
    assert (credential.api_key_encrypted, credential.model) == (stored, "seedream-brand")


def test_an_http_base_url_is_a_form_error_and_the_key_is_not_echoed(brand_admin_client) -> None:
    _brand, client, url = brand_admin_client
    data = add_row(
        form_data(client, url),
        provider="ark",
        api_key=API_KEY,
        base_url="http://ark.example.com/api/v3",
    )

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "must start with https://" in page
    assert API_KEY not in page
    assert not BrandProviderCredential.objects.exists()
