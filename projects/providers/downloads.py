"""Download a provider's output image at once, safely (provider URLs expire: Ark 24 h, fal varies).

A URL in a provider reply is data from the network, so it is fetched as if a stranger typed it
(research/reliability-perf.md §3.1): http(s) only; the host is resolved and *every* address must
be global (no loopback, private, link-local incl. 169.254.169.254, CGNAT, ::1, fc00::/7,
fe80::/10, IPv4-mapped, NAT64) before any connection; redirects are followed by hand, at most
three, each hop vetted the same way; the body is capped while streaming; and Pillow must decode it
as a JPEG, PNG or WebP within `Image.MAX_IMAGE_PIXELS`.

Why httpcore and not an httpx.Client here: the connection must go to the exact address we vetted,
so DNS rebinding cannot swap it between the check and the connect. httpcore's public
network-backend hook gives us that: a backend pinned to the vetted addresses connects to the IP,
while TLS still gets the hostname for SNI and certificate checks and the Host header keeps the
name. The same pin with httpx would mean replacing a private attribute of its transport.
Hosts in `settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS` (tests: the loopback fake provider) skip the
address check; nothing else private is ever reached.
"""

from __future__ import annotations

import functools
import os
import ssl
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx
from django.conf import settings

from brandkit.addresses import (
    AddressRefused,
    HostUnresolved,
    normalize_host,
    resolve_public,
)
from projects.providers.base import ProviderError, ProviderErrorKind
from projects.providers.outputs import VerifiedImage, verify_image

Kind = ProviderErrorKind

DEFAULT_MAX_BYTES = 40 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0  # wall clock for one download, redirects included
MAX_REDIRECTS = 3
RETRY_DELAY = 0.5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
WEB_PORTS = frozenset({80, 443})
_HTTPCORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
)


@dataclass(frozen=True)
class DownloadTarget:
    """Where one hop of a download goes, parsed once and used for both vetting and the request."""

    scheme: str
    host: str  # lower-case, IDNA-encoded, IPv6 without brackets
    port: int
    path: str
    host_header: str


def _refused(provider: str, why: str) -> ProviderError:
    # Downloads happen after the provider generated (and billed) the images.
    return ProviderError(
        Kind.MALFORMED_RESPONSE,
        f"{provider or 'provider'}: {why}",
        provider=provider,
        may_have_billed=True,
    )


def _unavailable(provider: str, why: str, *, kind: Kind = Kind.UNAVAILABLE) -> ProviderError:
    return ProviderError(
        kind, f"{provider or 'provider'}: {why}", provider=provider, may_have_billed=True
    )


def parse_target(url: str, *, provider: str = "") -> DownloadTarget:
    """Split an output URL into what we connect to; refuse anything but plain http(s)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise _refused(provider, "the output image URL is not a valid URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise _refused(
            provider, f"only plain http(s) output image URLs are allowed, not {scheme!r}"
        )
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    name = f"[{host}]" if ":" in host else host
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = name if port == default_port else f"{name}:{port}"
    return DownloadTarget(scheme, host, port, path, host_header)


def resolve_vetted(
    target: DownloadTarget, *, allowed_hosts: frozenset[str], provider: str = ""
) -> tuple[str, ...]:
    """Resolve the host once and return its addresses, refusing if any of them is not public.

    Outside the allow-list only the web ports are accepted: an output URL has no business with
    another service (Redis, an admin port) even on a public address.
    """
    try:
        addresses = resolve_public(target.host, target.port, allowed_hosts=allowed_hosts)
    except HostUnresolved as exc:
        raise _unavailable(provider, f"could not resolve output image host {target.host}") from exc
    except AddressRefused as exc:
        raise _refused(
            provider,
            f"the output image URL points at {target.host} ({exc.addresses_text}),"
            " an address that is not allowed (loopback, private, link-local or reserved); "
            "it was not downloaded",
        ) from exc
    if normalize_host(target.host) in allowed_hosts:
        return addresses
    if target.port not in WEB_PORTS:
        raise _refused(
            provider,
            f"the output image URL uses port {target.port}, which is not allowed (only 80 and "
            "443); it was not downloaded",
        )
    return addresses


class PinnedBackend(httpcore.SyncBackend):
    """Connects to one host's vetted addresses only, whatever DNS would answer by now."""

    def __init__(self, host: str, addresses: tuple[str, ...]) -> None:
        self._host, self._addresses = host, addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple[int, int, int | bytes]] | None = None,
    ) -> httpcore.NetworkStream:
        if host != self._host:
            raise httpcore.ConnectError(f"refusing to connect to unvetted host {host}")
        error = httpcore.ConnectError("no vetted address")
        for address in self._addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error


@functools.lru_cache(maxsize=2)
def _ssl_context(pid: int) -> ssl.SSLContext:
    # Building a context loads the CA bundle (~15 ms); one per process, never across fork.
    return httpx.create_ssl_context(trust_env=False)


def _header(response: httpcore.Response, name: bytes) -> str:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _read_capped(
    response: httpcore.Response, *, max_bytes: int, deadline: float, provider: str
) -> bytes:
    declared = _header(response, b"content-length")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _refused(
            provider, f"the output image is {int(declared):,} bytes; the cap is {max_bytes:,}"
        )
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_stream():
        total += len(chunk)
        if total > max_bytes:
            raise _refused(provider, f"the output image is over the {max_bytes:,}-byte cap")
        if time.monotonic() > deadline:
            raise _unavailable(provider, "the output image download took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def _status_error(status: int, provider: str) -> ProviderError:
    if status in (401, 403, 404, 410):
        return _refused(
            provider, f"the output image URL has expired or does not exist (HTTP {status})"
        )
    if status == 429:
        return _unavailable(
            provider, "rate limited downloading the output image (HTTP 429)", kind=Kind.RATE_LIMITED
        )
    if status >= 500:
        return _unavailable(provider, f"the output image host failed (HTTP {status})")
    return _refused(provider, f"unexpected HTTP {status} downloading the output image")


def _fetch(
    target: DownloadTarget,
    addresses: tuple[str, ...],
    *,
    max_bytes: int,
    deadline: float,
    provider: str,
) -> tuple[int, str, bytes]:
    """One GET to a vetted target: (status, Location, body); the body is read only on a 200."""
    remaining = max(0.1, deadline - time.monotonic())
    timeouts = {
        "connect": min(10.0, remaining),
        "read": remaining,
        "write": remaining,
        "pool": remaining,
    }
    url = httpcore.URL(scheme=target.scheme, host=target.host, port=target.port, target=target.path)
    headers = [(b"Host", target.host_header.encode("ascii")), (b"Accept", b"image/*")]
    backend = PinnedBackend(target.host, addresses)
    try:
        with (
            httpcore.ConnectionPool(
                ssl_context=_ssl_context(os.getpid()), network_backend=backend, retries=0
            ) as pool,
            pool.stream("GET", url, headers=headers, extensions={"timeout": timeouts}) as response,
        ):
            if response.status != 200:
                return response.status, _header(response, b"location"), b""
            body = _read_capped(response, max_bytes=max_bytes, deadline=deadline, provider=provider)
            return 200, "", body
    except _HTTPCORE_ERRORS as exc:
        raise _unavailable(
            provider, f"downloading the output image failed ({type(exc).__name__})"
        ) from exc


def _follow(
    url: str, *, allowed_hosts: frozenset[str], max_bytes: int, timeout: float, provider: str
) -> bytes:
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        target = parse_target(url, provider=provider)
        addresses = resolve_vetted(target, allowed_hosts=allowed_hosts, provider=provider)
        status, location, body = _fetch(
            target, addresses, max_bytes=max_bytes, deadline=deadline, provider=provider
        )
        if status == 200:
            return body
        if status not in REDIRECT_STATUSES:
            raise _status_error(status, provider)
        if not location:
            raise _refused(provider, f"HTTP {status} redirect without a Location")
        url = urllib.parse.urljoin(url, location)
    raise _refused(provider, f"the output image URL redirected more than {MAX_REDIRECTS} times")


def allowed_download_hosts(hosts: Iterable[str] | None = None) -> frozenset[str]:
    """The allow-list, normalised; None means settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS."""
    if hosts is None:
        hosts = getattr(settings, "PROVIDER_DOWNLOAD_ALLOWED_HOSTS", ())
    return frozenset(host.strip().strip("[]").lower() for host in hosts if host.strip())


def download_image(
    url: str,
    *,
    provider: str = "",
    allowed_hosts: Iterable[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    attempts: int = 2,
) -> VerifiedImage:
    """Fetch one output image and check it is a real image; raise ProviderError otherwise.

    A GET is idempotent and the image is already paid for, so a transient failure (5xx, reset,
    timeout) is retried once here rather than regenerating (and re-billing) the whole request.
    """
    hosts = allowed_download_hosts(allowed_hosts)
    for attempt in range(1, attempts + 1):
        try:
            body = _follow(
                url, allowed_hosts=hosts, max_bytes=max_bytes, timeout=timeout, provider=provider
            )
        except ProviderError as error:
            if not error.is_retryable or attempt >= attempts:
                raise
            time.sleep(RETRY_DELAY)
        else:
            return verify_image(body, provider=provider)
    raise _unavailable(provider, "the output image could not be downloaded")


def pinned_connection_pool(host: str, addresses: tuple[str, ...]) -> httpcore.ConnectionPool:
    """A connection pool that reaches `host` only at `addresses` (vetted by the caller), with
    TLS still checking the host name; for other outbound requests (webhooks) to share this
    module's defence against DNS rebinding."""
    return httpcore.ConnectionPool(
        ssl_context=_ssl_context(os.getpid()),
        network_backend=PinnedBackend(host, addresses),
        retries=0,
    )
