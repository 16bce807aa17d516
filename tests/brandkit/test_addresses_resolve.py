"""resolve_public, the one resolver behind provider calls, downloads and webhooks."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from brandkit.addresses import AddressRefused, HostUnresolved, normalize_host, resolve_public


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A DNS table for getaddrinfo; unknown names fail like a real lookup. No network."""
    table: dict[str, list[str]] = {}

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in table[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def test_public_addresses_come_back_once_each_in_order(answers: dict[str, list[str]]) -> None:
    answers["cdn.example.com"] = ["93.184.216.34", "2606:2800:220:1::1", "93.184.216.34"]
    assert resolve_public("CDN.example.com", 443) == ("93.184.216.34", "2606:2800:220:1::1")


@pytest.mark.parametrize(
    "bad", ["127.0.0.1", "10.0.0.5", "169.254.169.254", "::1", "::ffff:127.0.0.1", "64:ff9b::a00:1"]
)
def test_one_non_public_answer_refuses_the_host(answers: dict[str, list[str]], bad: str) -> None:
    answers["mixed.example.com"] = ["93.184.216.34", bad]
    with pytest.raises(AddressRefused) as caught:
        resolve_public("mixed.example.com", 443)
    assert caught.value.refused == [bad]
    assert bad in str(caught.value)


def test_an_allow_listed_host_may_resolve_anywhere(answers: dict[str, list[str]]) -> None:
    answers["renderer.internal"] = ["10.0.0.7"]
    allowed = frozenset({normalize_host("[Renderer.Internal.]")})
    assert resolve_public("Renderer.internal", 8080, allowed_hosts=allowed) == ("10.0.0.7",)


def test_a_name_that_does_not_resolve_is_said_so(answers: dict[str, list[str]]) -> None:
    with pytest.raises(HostUnresolved, match=r"nowhere\.example"):
        resolve_public("nowhere.example", 443)
