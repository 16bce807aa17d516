"""A brand's provider overrides: the key encrypted at rest, write-only, https-only base URLs."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import IntegrityError, connection, transaction

from brandkit.crypto import SecretUndecryptable
from brandkit.exceptions import InvalidProviderCredential
from brandkit.models import BrandProviderCredential
from brandkit.services.provider_credentials import (
    provider_credential_delete,
    provider_credential_set,
    provider_overrides,
)
from projects.providers import get_provider
from projects.providers.ark import ArkProvider
from tests.factories import brand_with_admin

pytestmark = pytest.mark.django_db

API_KEY = "ark-brand-key-0123456789-wxyz"
OTHER_KEY = "ark-brand-key-9876543210-abcd"
BASE_URL = "https://ark.cn-beijing.volces.com/api/v3"


@pytest.fixture
def brand():
    return brand_with_admin(name="Northwind Coffee", slug="northwind")[0]


def raw_rows() -> list[tuple[Any, ...]]:
    """Every column of every credential row, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM brandkit_brandprovidercredential")
        return cursor.fetchall()


def test_provider_credential_set_never_stores_the_key_in_clear(brand) -> None:
    credential = provider_credential_set(
        brand=brand, provider="ark", api_key=API_KEY, base_url=BASE_URL, model="seedream-x"
    )
    rows = raw_rows()
    assert len(rows) == 1
    assert all(API_KEY not in str(value) for value in rows[0])
    assert credential.key_hint == "wxyz"
    assert credential.masked_key == "…wxyz"
    assert (credential.base_url, credential.model) == (BASE_URL, "seedream-x")
    assert API_KEY not in str(credential) + repr(credential)


def test_a_blank_key_keeps_the_stored_key(brand) -> None:
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY, base_url=BASE_URL)
    stored = BrandProviderCredential.objects.get().api_key_encrypted
    for blank in (None, "", "   "):
        provider_credential_set(
            brand=brand, provider="ark", api_key=blank, base_url=BASE_URL, model="m2"
        )
    credential = BrandProviderCredential.objects.get()
    assert (credential.api_key_encrypted, credential.key_hint) == (stored, "wxyz")
    assert provider_overrides(brand=brand, provider="ark")["api_key"] == API_KEY

    provider_credential_set(brand=brand, provider="ark", api_key=OTHER_KEY, base_url=BASE_URL)
    assert provider_overrides(brand=brand, provider="ark")["api_key"] == OTHER_KEY
    assert BrandProviderCredential.objects.get().key_hint == "abcd"


@pytest.mark.parametrize(
    "base_url",
    [
        "http://ark.example.com/api/v3",
        "ftp://ark.example.com/",
        "javascript:alert(1)",
        "//ark.example.com/api",
        "https://127.0.0.1/api",
        "https://localhost:8443/api",
        "https://[::1]/api",
        "https://169.254.169.254/latest",
        "https://10.1.2.3/api",
        "https://[::127.0.0.1]/api",
        "https://localhost./api",
        "https://api.localhost./v3",
        "https://[64:ff9b::7f00:1]/api",
        "https://[2002:c0a8:101::1]/api",
        "https://[::ffff:127.0.0.1]/api",
        "https://user:password@ark.example.com/api",
        "https://ark.example.com/api?key=x",
        "https://ark.example.com:99999/",
    ],
)
def test_provider_credential_set_refuses_anything_but_public_https(brand, base_url: str) -> None:
    with pytest.raises(InvalidProviderCredential) as caught:
        provider_credential_set(brand=brand, provider="ark", api_key=API_KEY, base_url=base_url)
    assert caught.value.field == "base_url"
    assert API_KEY not in str(caught.value)
    assert base_url not in str(caught.value)
    assert not BrandProviderCredential.objects.exists()


def test_http_is_refused_with_a_clear_message(brand) -> None:
    with pytest.raises(InvalidProviderCredential, match=r"must start with https://"):
        provider_credential_set(
            brand=brand, provider="ark", api_key=API_KEY, base_url="http://ark.example.com"
        )


def test_allowed_hosts_may_use_plain_http_for_loopback_fakes(brand, settings: Any) -> None:
    settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS = ["127.0.0.1"]
    credential = provider_credential_set(
        brand=brand, provider="ark", api_key=API_KEY, base_url="http://127.0.0.1:8765/api/v3/"
    )
    assert credential.base_url == "http://127.0.0.1:8765/api/v3"
    with pytest.raises(InvalidProviderCredential):
        provider_credential_set(
            brand=brand, provider="fal", api_key=API_KEY, base_url="http://localhost:8765/"
        )


def test_a_brand_base_url_needs_the_brands_own_key(brand) -> None:
    # Otherwise the environment's key would be sent to a host the brand chose.
    with pytest.raises(InvalidProviderCredential, match="own API key") as caught:
        provider_credential_set(brand=brand, provider="ark", api_key=None, base_url=BASE_URL)
    assert caught.value.field == "api_key"
    # The database refuses that state too.
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandProviderCredential.objects.create(brand=brand, provider="ark", base_url=BASE_URL)


def test_a_stored_key_moves_to_a_new_base_url_only_when_entered_again(brand) -> None:
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY)
    with pytest.raises(InvalidProviderCredential, match="again"):
        provider_credential_set(brand=brand, provider="ark", api_key=None, base_url=BASE_URL)
    credential = provider_credential_set(
        brand=brand, provider="ark", api_key=API_KEY, base_url=BASE_URL
    )
    assert credential.base_url == BASE_URL
    # Going back to the configured base URL is always fine.
    assert provider_credential_set(brand=brand, provider="ark", api_key=None).base_url == ""


@pytest.mark.parametrize("provider", ["local", "unknown"])
def test_only_hosted_providers_take_overrides(brand, provider: str) -> None:
    with pytest.raises(InvalidProviderCredential) as caught:
        provider_credential_set(brand=brand, provider=provider, api_key=API_KEY)
    assert caught.value.field == "provider"
    assert provider_overrides(brand=brand, provider=provider) == {
        "base_url": None,
        "api_key": None,
        "model": None,
    }


def test_a_key_with_spaces_or_newlines_is_refused_without_echoing_it(brand) -> None:
    for bad in ("two words-0123456789", "line\nbreak-0123456789", "caf\u00e9-0123456789"):
        with pytest.raises(InvalidProviderCredential) as caught:
            provider_credential_set(brand=brand, provider="ark", api_key=bad)
        assert bad not in str(caught.value)
        assert caught.value.field == "api_key"


def test_provider_overrides_gives_the_key_and_none_for_what_is_not_overridden(brand) -> None:
    assert provider_overrides(brand=brand, provider="ark") == {
        "base_url": None,
        "api_key": None,
        "model": None,
    }
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY)
    assert provider_overrides(brand=brand, provider="ark") == {
        "base_url": None,
        "api_key": API_KEY,
        "model": None,
    }
    assert provider_overrides(brand=brand, provider="fal")["api_key"] is None
    provider_credential_set(brand=brand, provider="fal", api_key=None, model="fal-ai/custom")
    assert provider_overrides(brand=brand, provider="fal") == {
        "base_url": None,
        "api_key": None,
        "model": "fal-ai/custom",
    }


def test_get_provider_builds_ark_with_the_brand_key_and_base_url(brand, settings: Any) -> None:
    settings.ARK_API_KEY = "environment-key-0000"
    settings.ARK_MODEL = "seedream-env"
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY, base_url=BASE_URL)

    provider = get_provider("ark", **provider_overrides(brand=brand, provider="ark"))

    assert isinstance(provider, ArkProvider)
    assert (provider.api_key, provider.base_url) == (API_KEY, BASE_URL)
    assert provider.default_model == "seedream-env"  # not overridden: the setting
    assert API_KEY not in repr(provider)


def test_a_brand_without_a_key_falls_back_to_the_environment_key(brand, settings: Any) -> None:
    settings.ARK_API_KEY = "environment-key-0000"
    provider_credential_set(brand=brand, provider="ark", api_key=None, model="seedream-brand")
    provider = get_provider("ark", **provider_overrides(brand=brand, provider="ark"))
    assert (provider.api_key, provider.default_model) == ("environment-key-0000", "seedream-brand")
    assert provider.base_url == settings.ARK_BASE_URL


def test_a_rotated_away_encryption_key_gives_a_clear_error(brand, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY)
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(SecretUndecryptable) as caught:
        provider_overrides(brand=brand, provider="ark")
    token = BrandProviderCredential.objects.get().api_key_encrypted
    assert token not in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_the_key_is_never_logged(brand, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY, base_url=BASE_URL)
    provider_credential_set(brand=brand, provider="ark", api_key=None, base_url=BASE_URL)
    provider_overrides(brand=brand, provider="ark")
    with pytest.raises(InvalidProviderCredential):
        provider_credential_set(brand=brand, provider="ark", api_key=API_KEY, base_url="http://x")
    provider_credential_delete(credential=BrandProviderCredential.objects.get())
    assert "provider override saved" in caplog.text
    assert "provider override removed" in caplog.text
    assert API_KEY not in caplog.text
    assert not BrandProviderCredential.objects.exists()


def test_deleting_the_brand_deletes_its_credentials(brand) -> None:
    provider_credential_set(brand=brand, provider="ark", api_key=API_KEY)
    brand.delete()
    assert raw_rows() == []
