"""A test guard: any attempt to connect a socket to a non-loopback address fails and is recorded.

Tests here must never reach anything but 127.0.0.1. SSRF tests go further and assert the list of
attempts is empty: a refused address must be refused by the vetting step, before any connect.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest


def _is_loopback(address: Any) -> bool:
    try:
        return ipaddress.ip_address(str(address[0]).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def forbid_non_loopback(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Patch socket connects for this test; returns the (live) list of refused attempts."""
    attempts: list[Any] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            attempts.append(address)
            raise ConnectionRefusedError(f"test guard: no connections to {address[0]}")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return attempts
