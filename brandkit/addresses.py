"""Which network addresses the app may send a request to: globally routable unicast only.

One rule for every outbound request (provider API calls, output downloads, webhooks, the base
URL a brand admin types), and one resolver that applies it (`resolve_public`). Python's
`is_global` alone is not enough: IPv6 spellings that embed an IPv4 address (IPv4-mapped
`::ffff:a.b.c.d`, the deprecated IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
`2002::/16`, Teredo) reach the embedded address, and some of them count as global.
"""

from __future__ import annotations

import ipaddress
import socket

# NAT64 prefixes embed an IPv4 address (64:ff9b::7f00:1 is 127.0.0.1) yet count as global.
_NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# IPv4-compatible addresses (::127.0.0.1), deprecated by RFC 4291 and never routed publicly.
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def is_public_address(address: str) -> bool:
    """True only for a globally routable unicast address (embedded IPv4 forms checked too)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if (
            ip.ipv4_mapped
            or ip in _IPV4_COMPATIBLE
            or any(ip in network for network in _NAT64_NETWORKS)
        ):
            return False
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast


def is_internal_host(host: str) -> bool:
    """Loopback names and non-public IP literals, in any spelling (a trailing dot, upper case, a
    zone id, the IPv6 forms above). Names are not resolved here: callers vet the resolved
    addresses again when they connect."""
    host = normalize_host(host)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public_address(host)
    except ValueError:
        return False


def normalize_host(host: str) -> str:
    """A host name or IP literal as compared against allow-lists: no brackets, lower case, no
    trailing dot."""
    return host.strip().strip("[]").lower().rstrip(".")


class HostUnresolved(Exception):
    """The host name does not resolve (or is not a valid name)."""

    def __init__(self, host: str) -> None:
        super().__init__(f"could not resolve {host}")
        self.host = host


class AddressRefused(Exception):
    """The host resolves to at least one address the app may not reach."""

    def __init__(self, host: str, refused: list[str]) -> None:
        self.host = host
        self.refused = refused
        self.addresses_text = ", ".join(refused) or "no address"
        super().__init__(f"{host} resolves to {self.addresses_text}")


def resolve_public(
    host: str, port: int, *, allowed_hosts: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Resolve `host` once and return its addresses, in the resolver's order without repeats.

    Every address must be public (`is_public_address`) unless the host is in `allowed_hosts`
    (normalized names an operator listed for a local provider, mirror or webhook receiver).
    The caller connects to these very addresses (a pinned connection), never resolving again,
    so DNS cannot answer differently between the check and the connection.
    Raises HostUnresolved or AddressRefused."""
    name = host.strip().strip("[]").lower()
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise HostUnresolved(name) from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if normalize_host(name) in allowed_hosts:
        return addresses
    refused = [address for address in addresses if not is_public_address(address)]
    if refused or not addresses:
        raise AddressRefused(name, refused)
    return addresses
