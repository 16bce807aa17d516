"""The provider API client vets every connection after DNS resolution, at connect time."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from brandkit.addresses import is_internal_host, is_public_address
from projects.providers import get_provider
from projects.providers.base import GenerationSpec, ProviderError
from projects.providers.base import ProviderErrorKind as Kind
from projects.providers.http import close_shared_clients
from tests.contract.fake_provider import FakeProviderServer

pytestmark = pytest.mark.usefixtures("provider_settings")

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`gateway.example` resolves to loopback, as a hostile or careless DNS record would."""
    looked_up: list[str] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        if host == "gateway.example":
            host = "127.0.0.1"
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield looked_up
    close_shared_clients()


def submit_to(base_url: str) -> None:
    provider = get_provider("ark", base_url=base_url)
    provider.submit(provider.build_payload(GenerationSpec(prompt="a poster")))


def test_a_name_resolving_to_loopback_is_refused_before_connecting(
    fake_provider: FakeProviderServer, settings: Any, rebinding_dns: list[str]
) -> None:
    settings.PROVIDER_API_ALLOWED_HOSTS = []
    base_url = fake_provider.ark_base_url.replace("127.0.0.1", "gateway.example")

    with pytest.raises(ProviderError) as caught:
        submit_to(base_url)

    assert caught.value.kind is Kind.INVALID_PARAMETER
    assert "gateway.example resolves to 127.0.0.1" in caught.value.message
    assert caught.value.may_have_billed is False
    assert fake_provider.posts() == []
    assert "gateway.example" in rebinding_dns  # vetted after resolution, not by the name


def test_an_allow_listed_gateway_is_reached(
    fake_provider: FakeProviderServer, settings: Any, rebinding_dns: list[str]
) -> None:
    settings.PROVIDER_API_ALLOWED_HOSTS = ["gateway.example"]
    base_url = fake_provider.ark_base_url.replace("127.0.0.1", "gateway.example")

    submit_to(base_url)

    assert len(fake_provider.posts()) == 1


def test_the_loopback_fake_itself_is_refused_when_not_allow_listed(
    fake_provider: FakeProviderServer, settings: Any
) -> None:
    settings.PROVIDER_API_ALLOWED_HOSTS = []
    close_shared_clients()

    with pytest.raises(ProviderError, match="not a public address"):
        submit_to(fake_provider.ark_base_url)
    assert fake_provider.posts() == []


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",  # IPv4-compatible, counted global by Python
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "169.254.169.254",
        "fe80::1%eth0",
    ],
)
def test_embedded_private_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "host",
    ["[::127.0.0.1]", "localhost.", "LOCALHOST", "api.localhost.", "[64:ff9b::7f00:1]", "10.0.0.1"],
)
def test_odd_spellings_of_internal_hosts_are_internal(host: str) -> None:
    assert is_internal_host(host)


@pytest.mark.parametrize("host", ["8.8.8.8", "[2606:4700::1111]", "ark.example.com"])
def test_public_hosts_are_not_internal(host: str) -> None:
    assert not is_internal_host(host)
