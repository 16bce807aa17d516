"""The campaign form shows a provider with no key disabled with the reason, never preselects it,
and refuses it if posted anyway; a brand key or a settings key makes it available."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from brandkit.services.provider_credentials import provider_credential_set
from projects.models import Generation

pytestmark = pytest.mark.django_db


def option(page: str, value: str) -> str:
    match = re.search(rf'<option value="{value}"[^>]*>[^<]*</option>', page)
    assert match, f"no provider option {value}"
    return match[0]


def form_page(user: Any, campaign: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.get(campaign.get_absolute_url()).content.decode()


def test_a_provider_without_a_key_is_disabled_with_the_reason(studio: Any, settings: Any) -> None:
    settings.FAL_KEY = ""
    settings.ARK_API_KEY = "ark-test-key"
    page = form_page(studio.marketer, studio.campaign)
    fal = option(page, "fal")
    assert "disabled" in fal and "no API key: set FAL_KEY or a brand key in curation" in fal
    assert "disabled" not in option(page, "ark")
    assert "disabled" not in option(page, "local")


def test_a_keyless_default_provider_is_not_preselected(studio: Any, settings: Any) -> None:
    settings.FAL_KEY = ""
    studio.brand.default_provider = "fal"
    studio.brand.save()
    page = form_page(studio.marketer, studio.campaign)
    assert "selected" not in option(page, "fal")
    assert re.search(r'<option value="local"[^>]*selected', page)


def test_posting_a_keyless_provider_is_refused_and_queues_nothing(
    studio: Any, settings: Any
) -> None:
    settings.OPENAI_COMPAT_API_KEY = ""
    client = Client()
    client.force_login(studio.marketer)
    response = client.post(
        studio.campaign.get_absolute_url(),
        {
            "mode": "text_to_image",
            "prompt": "a bottle",
            "provider": "openai",
            "variants": 1,
            "size": "2K",
        },
    )
    assert response.status_code == 400  # the form comes back with the error
    assert (
        "openai cannot be used: no API key: set OPENAI_COMPAT_API_KEY" in response.content.decode()
    )
    assert not Generation.objects.filter(campaign=studio.campaign).exists()


def test_a_brand_key_makes_the_provider_available(studio: Any, settings: Any) -> None:
    settings.FAL_KEY = ""
    provider_credential_set(brand=studio.brand, provider="fal", api_key="brand-fal-key")
    assert "disabled" not in option(form_page(studio.marketer, studio.campaign), "fal")
