"""Fixtures for the contract tests: the loopback fake provider and settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from projects.providers.http import close_shared_clients
from tests.contract.fake_provider import FakeProviderServer
from tests.contract.network_guard import forbid_non_loopback

ARK_KEY = "ark-key-DO-NOT-LEAK-4c1d2e3f"
FAL_KEY = "fal-id-0001:fal-secret-DO-NOT-LEAK-9a8b7c"
OPENAI_KEY = "sk-openai-DO-NOT-LEAK-5e6f7a8b"


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every contract test: no socket may connect anywhere but loopback."""
    attempts = forbid_non_loopback(monkeypatch)
    yield attempts
    assert not attempts, f"tried to connect to a non-loopback address: {attempts}"


@pytest.fixture
def fake_provider() -> Iterator[FakeProviderServer]:
    """A fresh loopback fake provider for one test."""
    with FakeProviderServer() as server:
        yield server
    # Shared clients keep connections to this server alive; close them with it.
    close_shared_clients()


@pytest.fixture
def provider_settings(settings: Any, fake_provider: FakeProviderServer) -> Any:
    """Settings pointing every hosted provider at the fake, with recognisable keys."""
    settings.ARK_BASE_URL = fake_provider.ark_base_url
    settings.ARK_API_KEY = ARK_KEY
    settings.FAL_QUEUE_URL = fake_provider.fal_queue_url
    settings.FAL_KEY = FAL_KEY
    settings.OPENAI_COMPAT_BASE_URL = fake_provider.openai_base_url
    settings.OPENAI_COMPAT_API_KEY = OPENAI_KEY
    settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PROVIDER_API_ALLOWED_HOSTS = ["127.0.0.1"]
    return settings
