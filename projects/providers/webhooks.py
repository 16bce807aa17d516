"""POST a signed webhook body to a receiver, as safely as a provider download.

The receiver URL was typed by a brand admin, so it is treated like any URL from outside: the
host is resolved once and every address must be public (brandkit.addresses.resolve_public) unless
the host is in `settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS` (development only); the connection goes
to exactly those vetted addresses (no DNS rebinding between check and connect); redirects are
not followed (a 3xx is a failed attempt); the answer is read only up to a small cap.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import httpcore
from django.conf import settings

from brandkit.addresses import AddressRefused, HostUnresolved, normalize_host, resolve_public
from projects.providers.base import ProviderError
from projects.providers.downloads import parse_target, pinned_connection_pool

TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 500


class WebhookTargetRefused(Exception):
    """The receiver URL may not be called (not http(s), or a non-public address)."""


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def allowed_private_hosts(hosts: Iterable[str] | None = None) -> frozenset[str]:
    if hosts is None:
        hosts = getattr(settings, "WEBHOOK_ALLOWED_PRIVATE_HOSTS", ())
    return frozenset(normalize_host(host) for host in hosts if host.strip())


def vet_url(url: str, *, allowed_hosts: frozenset[str] | None = None) -> tuple[str, ...]:
    """Resolve the URL's host and return its addresses; raise WebhookTargetRefused if any is
    loopback, private, link-local or otherwise not public (and the host is not allowed)."""
    allowed_hosts = allowed_private_hosts() if allowed_hosts is None else allowed_hosts
    try:
        target = parse_target(url)
    except ProviderError as exc:
        raise WebhookTargetRefused("Use a plain http:// or https:// URL.") from exc
    try:
        return resolve_public(target.host, target.port, allowed_hosts=allowed_hosts)
    except HostUnresolved as exc:
        raise WebhookTargetRefused(f"{target.host} does not resolve.") from exc
    except AddressRefused as exc:
        raise WebhookTargetRefused(
            f"{target.host} resolves to {exc.addresses_text}: loopback, "
            "private, link-local and reserved addresses are refused."
        ) from exc


def post_webhook(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    allowed_hosts: frozenset[str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> PostResult:
    """One POST; never raises for network trouble or a refused target (it is in the result)."""
    started = time.monotonic()

    def result(status: int | None, error: str = "", excerpt: str = "") -> PostResult:
        return PostResult(status, error[:500], excerpt, int((time.monotonic() - started) * 1000))

    try:
        addresses = vet_url(url, allowed_hosts=allowed_hosts)
    except WebhookTargetRefused as exc:
        return result(None, f"Refused: {exc}")
    target = parse_target(url)
    request_headers = [
        (b"Host", target.host_header.encode("ascii")),
        (b"Content-Type", b"application/json"),
        (b"User-Agent", b"Brandkit-Webhooks/1"),
        *((name.encode(), value.encode()) for name, value in headers.items()),
    ]
    timeouts = {"connect": min(5.0, timeout), "read": timeout, "write": timeout, "pool": timeout}
    http_url = httpcore.URL(
        scheme=target.scheme, host=target.host, port=target.port, target=target.path
    )
    try:
        with (
            pinned_connection_pool(target.host, addresses) as pool,
            pool.stream(
                "POST",
                http_url,
                headers=request_headers,
                content=body,
                extensions={"timeout": timeouts},
            ) as response,
        ):
            excerpt = b""
            for chunk in response.iter_stream():
                excerpt += chunk
                if len(excerpt) >= EXCERPT_BYTES:
                    break
            return result(
                response.status, excerpt=excerpt[:EXCERPT_BYTES].decode("utf-8", "replace")
            )
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
        return result(None, f"{type(exc).__name__}: {exc}")
    except httpcore.UnsupportedProtocol as exc:
        return result(None, f"Unsupported protocol: {exc}")
