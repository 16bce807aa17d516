"""httpx plumbing for the hosted providers: the client factory and the HTTP error mapping.

One `httpx.Client` per process per configuration, built lazily (never at import, never shared
across fork). A transport exception (`error_from_transport`) or an error status
(`error_from_response`, which reads the body through errors.py) becomes a `ProviderError`, so
adapters never let an httpx exception out. No message carries request headers, and provider text
passes `errors.redact()` with the caller's secrets.

Every connection is vetted when it is made, after DNS resolution (`VettingBackend`): a base URL
is typed by a brand admin, so a host name that resolves to a loopback, private, link-local or
otherwise non-public address is refused, and the socket goes to the exact address that was
checked (no DNS rebinding between check and connect). Redirects are never followed. Hosts in
`settings.PROVIDER_API_ALLOWED_HOSTS` (tests: the loopback fake provider; an operator's own
gateway) skip the check; downloads (`downloads.py`) apply the same address rules.
"""

from __future__ import annotations

import email.utils
import json
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import httpcore
import httpx
from django.conf import settings

from brandkit.addresses import AddressRefused, HostUnresolved, normalize_host, resolve_public
from projects.providers.base import ProviderError, ProviderErrorKind
from projects.providers.downloads import PinnedBackend
from projects.providers.errors import error_details, error_from_details


@dataclass(frozen=True)
class ClientConfig:
    """Timeouts and pool limits of a provider client; the key of the per-process client cache.

    `read` is per chunk, not per request: Ark answers a 15-image group in one reply after minutes,
    so its read timeout matches the Ark SDK default (600 s). Connect and pool stay short so a dead
    host or a saturated pool fails fast instead of holding a worker.
    """

    read_timeout: float = 600.0
    connect_timeout: float = 10.0
    write_timeout: float = 60.0
    pool_timeout: float = 10.0
    max_connections: int = 20
    max_keepalive_connections: int = 10


class RefusedAddress(httpcore.ConnectError):
    """A connection refused before it was made: the host resolves to a non-public address."""


def allowed_hosts() -> frozenset[str]:
    hosts = getattr(settings, "PROVIDER_API_ALLOWED_HOSTS", ())
    return frozenset(normalize_host(host) for host in hosts if host)


def vetted_addresses(host: str, port: int) -> tuple[str, ...]:
    """The host's addresses, resolved once; RefusedAddress if any of them is not public."""
    try:
        return resolve_public(host, port, allowed_hosts=allowed_hosts())
    except HostUnresolved as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    except AddressRefused as exc:
        raise RefusedAddress(
            f"{exc.host} resolves to {exc.addresses_text}, which is not a public address "
            "(loopback, private, link-local or reserved); the request was not sent"
        ) from exc


class VettingBackend(httpcore.SyncBackend):
    """Resolves and vets the host at each connection, then connects to those vetted addresses
    only (downloads.PinnedBackend), whatever DNS says next."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple[int, int, int | bytes]] | None = None,
    ) -> httpcore.NetworkStream:
        pinned = PinnedBackend(host, vetted_addresses(host, port))
        return pinned.connect_tcp(host, port, timeout, local_address, socket_options)


class VettedTransport(httpx.HTTPTransport):
    """httpx's transport with the pool built on VettingBackend.

    httpx has no public hook for the network backend, so the pool is rebuilt here the way
    HTTPTransport builds it (httpx 0.28), plus the backend; tests/projects/test_providers_http.py
    fails if a host resolving to loopback is reached, so an httpx change cannot silently drop it.
    TLS still gets the host name (SNI, certificate check) because httpcore passes it separately.
    """

    def __init__(self, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, retries=0, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=VettingBackend(),
        )


def build_client(config: ClientConfig) -> httpx.Client:
    """A new client: explicit timeouts, no redirects, no proxy/env config, no transport retries.

    No retries at all, not even httpx's connect-only ones: a generation POST may be billed, so the
    job layer owns every retry and records each one as an attempt.
    """
    # One client serves every thread of a worker (projects/worker.py): its pool must hold a
    # connection per thread, or calls would queue on the pool instead of on the provider's limits.
    threads = getattr(settings, "WORKER_THREADS", 1)
    limits = httpx.Limits(
        max_connections=max(config.max_connections, threads),
        max_keepalive_connections=max(config.max_keepalive_connections, threads),
    )
    return httpx.Client(
        timeout=httpx.Timeout(
            connect=config.connect_timeout,
            read=config.read_timeout,
            write=config.write_timeout,
            pool=config.pool_timeout,
        ),
        follow_redirects=False,
        trust_env=False,
        transport=VettedTransport(limits=limits),
    )


_clients: dict[tuple[int, str, ClientConfig], httpx.Client] = {}
_clients_lock = threading.Lock()


def shared_client(provider: str, config: ClientConfig) -> httpx.Client:
    """The process-wide client for (provider, config), created on first use.

    The pid in the key means a forked worker never reuses its parent's pooled sockets.
    """
    key = (os.getpid(), provider, config)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = build_client(config)
        return client


def close_shared_clients() -> None:
    """Close this process's shared clients (at worker shutdown, or between tests)."""
    with _clients_lock:
        clients = [client for key, client in _clients.items() if key[0] == os.getpid()]
        _clients.clear()
    for client in clients:
        client.close()


def _forget_clients_after_fork() -> None:
    # The child must not touch the parent's sockets (closing them would send TLS close_notify on
    # the parent's connections), so drop the references, and replace a lock another thread may
    # have held at fork time.
    global _clients_lock
    _clients.clear()
    _clients_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_clients_after_fork)


def error_from_response(
    response: httpx.Response, *, provider: str, secrets: Iterable[str] = (), is_submit: bool
) -> ProviderError:
    """A ProviderError for a non-2xx reply.

    A 5xx to a submit may have come after the provider started (and billed) the work, so it is
    flagged `may_have_billed`; a 4xx was refused before any work.
    """
    return error_from_details(
        error_details(parse_json(response)),
        provider=provider,
        secrets=secrets,
        status=response.status_code,
        retry_after=parse_retry_after(response.headers),
        may_have_billed=is_submit and response.status_code >= 500,
    )


def parse_json(response: httpx.Response) -> object:
    """The JSON body, or None when it is not JSON."""
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from `Retry-After` (delta-seconds or an HTTP-date) or `retry-after-ms`."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


# Errors raised before a byte of the request left us: the provider cannot have seen it.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Everything httpx raises, including the two that do not derive from HTTPError.
HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError)


def error_from_transport(exc: Exception, *, provider: str, is_submit: bool) -> ProviderError:
    """A ProviderError for an httpx exception. The message names the failure, never the request.

    After the body was sent (a read timeout, a dropped connection), a submit may have been billed.
    A connection refused by the address check is not retryable: the base URL must change.
    """
    if isinstance(exc.__cause__, RefusedAddress):
        return ProviderError(
            ProviderErrorKind.INVALID_PARAMETER,
            f"{provider}: the provider base URL is not allowed: {exc.__cause__}",
            provider=provider,
            code="refused_address",
            may_have_billed=False,
        )
    if isinstance(exc, (*_NOT_SENT, httpx.InvalidURL)):
        what, sent = "could not connect", False
    elif isinstance(exc, httpx.TimeoutException):
        what, sent = "timed out", True
    elif isinstance(exc, httpx.HTTPError):
        what, sent = "the connection failed or was dropped", True
    else:
        what, sent = "the HTTP client failed", True
    return ProviderError(
        ProviderErrorKind.UNAVAILABLE,
        f"{provider}: the provider is unavailable: {what} ({type(exc).__name__})",
        provider=provider,
        code=type(exc).__name__,
        may_have_billed=is_submit and sent,
    )
