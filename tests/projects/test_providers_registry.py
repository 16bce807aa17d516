"""The provider registry and the httpx client factory."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from projects.providers import PROVIDER_NAMES, get_provider
from projects.providers import http as provider_http
from projects.providers.ark import ArkProvider
from projects.providers.fal import FalProvider
from projects.providers.http import ClientConfig, build_client, shared_client
from projects.providers.openai import OpenAICompatibleProvider


@pytest.fixture
def keyed_settings(settings: Any) -> Any:
    settings.ARK_API_KEY = "ark-registry-key"
    settings.FAL_KEY = "fal-registry-key"
    settings.OPENAI_COMPAT_API_KEY = "openai-registry-key"
    return settings


def test_provider_names_are_the_four_known_providers() -> None:
    assert PROVIDER_NAMES == ("ark", "fal", "openai", "local")


def test_get_provider_without_name_uses_the_default_setting(settings: Any) -> None:
    settings.DEFAULT_IMAGE_PROVIDER = "local"
    assert get_provider().name == "local"


def test_get_provider_default_can_be_a_hosted_provider(keyed_settings: Any) -> None:
    keyed_settings.DEFAULT_IMAGE_PROVIDER = "fal"
    assert isinstance(get_provider(), FalProvider)


def test_unknown_provider_name_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown image provider 'dalle'") as caught:
        get_provider("dalle")
    assert "ark, fal, openai, local" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "provider_class", "base_url", "model"),
    [
        (
            "ark",
            ArkProvider,
            "https://ark.ap-southeast.bytepluses.com/api/v3",
            "seedream-4-0-250828",
        ),
        ("fal", FalProvider, "https://queue.fal.run", "fal-ai/bytedance/seedream/v4"),
        (
            "openai",
            OpenAICompatibleProvider,
            "https://api.cometapi.com/v1",
            "bytedance-seedream-4-0-250828",
        ),
    ],
)
def test_hosted_providers_are_built_from_settings(
    keyed_settings: Any, name: str, provider_class: type, base_url: str, model: str
) -> None:
    provider = get_provider(name)
    assert type(provider) is provider_class
    assert provider.name == name
    assert provider.base_url == base_url  # type: ignore[attr-defined]
    assert provider.default_model == model


def test_overrides_point_a_provider_elsewhere_and_none_means_settings(keyed_settings: Any) -> None:
    client = httpx.Client()
    provider = get_provider(
        "ark",
        base_url="https://ark.cn-beijing.volces.com/api/v3/",
        api_key="brand-key",
        model="doubao-seedream-4-0-250828",
        client=client,
        read_timeout=None,
    )
    assert isinstance(provider, ArkProvider)
    assert provider.base_url == "https://ark.cn-beijing.volces.com/api/v3"
    assert provider.api_key == "brand-key"
    assert provider.default_model == "doubao-seedream-4-0-250828"
    assert provider.client is client
    assert provider.read_timeout == 600.0


@pytest.mark.parametrize(
    ("name", "variable"),
    [("ark", "ARK_API_KEY"), ("fal", "FAL_KEY"), ("openai", "OPENAI_COMPAT_API_KEY")],
)
def test_missing_key_is_improperly_configured_naming_the_variable(
    settings: Any, name: str, variable: str
) -> None:
    setattr(settings, variable, "")
    with pytest.raises(ImproperlyConfigured, match=variable):
        get_provider(name)


def test_provider_built_without_key_refuses_to_submit() -> None:
    with pytest.raises(ImproperlyConfigured, match="ARK_API_KEY"):
        ArkProvider().submit({"prompt": "p"})


def test_provider_repr_never_shows_the_key(keyed_settings: Any) -> None:
    for name in ("ark", "fal", "openai"):
        assert "registry-key" not in repr(get_provider(name))


def test_client_has_explicit_timeouts_no_redirects_no_env_and_no_retries() -> None:
    client = build_client(ClientConfig(read_timeout=123.0))
    assert client.timeout == httpx.Timeout(connect=10.0, read=123.0, write=60.0, pool=10.0)
    assert client.follow_redirects is False
    assert client.trust_env is False
    # httpx keeps the retry count on its private pool; httpx is pinned (0.28.1).
    assert client._transport._pool._retries == 0  # type: ignore[attr-defined]


def test_shared_client_is_one_per_provider_and_config_and_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = ClientConfig(read_timeout=77.0)
    first = shared_client("ark-test", config)
    assert shared_client("ark-test", config) is first
    assert shared_client("ark-test", ClientConfig(read_timeout=78.0)) is not first
    assert shared_client("fal-test", config) is not first
    monkeypatch.setattr(provider_http.os, "getpid", lambda: -1)
    assert shared_client("ark-test", config) is not first  # a forked child builds its own


def test_fork_hook_drops_inherited_clients() -> None:
    shared_client("fork-test", ClientConfig())
    provider_http._forget_clients_after_fork()
    assert provider_http._clients == {}


def test_providers_share_the_process_client_for_their_config(keyed_settings: Any) -> None:
    assert get_provider("ark").client is get_provider("ark").client  # type: ignore[attr-defined]
    assert get_provider("ark", read_timeout=5.0).client is not get_provider("ark").client  # type: ignore[attr-defined]
