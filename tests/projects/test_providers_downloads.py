"""The output-image downloader: SSRF refusals before any connection, redirects re-vetted hop by hop,
the size cap, Pillow verification, and clear errors for expired URLs.

Name resolution is faked (no DNS query ever leaves the machine) and a socket guard fails any
connection to a non-loopback address; the refusal tests also assert that no connection to a
private address was even attempted.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpcore
import pytest
from PIL import Image

from brandkit import addresses
from brandkit.addresses import is_public_address
from projects.providers import downloads
from projects.providers.base import ProviderError
from projects.providers.base import ProviderErrorKind as Kind
from projects.providers.downloads import download_image
from projects.providers.outputs import verify_image
from tests.contract.fake_provider import FakeProviderServer
from tests.contract.network_guard import forbid_non_loopback
from tests.projects.providers_support import tiny_jpeg

real_getaddrinfo = socket.getaddrinfo


def _answer(addresses: list[str], port: Any) -> list[Any]:
    answers = []
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (
            (address, int(port or 0), 0, 0)
            if family == socket.AF_INET6
            else (address, int(port or 0))
        )
        answers.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
    return answers


class FakeDNS:
    """getaddrinfo with a fixed table; numeric hosts are parsed like inet_aton does; no DNS."""

    def __init__(self) -> None:
        self.table: dict[str, list[str] | Callable[[], list[str]]] = {
            "localhost": ["127.0.0.1", "::1"]
        }
        self.lookups: list[str] = []

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.lookups.append(name)
        if name in self.table:
            entry = self.table[name]
            return _answer(entry() if callable(entry) else entry, port)
        try:
            return _answer([str(ipaddress.ip_address(name))], port)
        except ValueError:
            pass
        try:
            return _answer(
                [socket.inet_ntoa(socket.inet_aton(name))], port
            )  # 0x7f000001, 2130706433
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "not in the test's DNS table") from None


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def connect_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    attempts = forbid_non_loopback(monkeypatch)
    yield attempts
    assert not attempts


@pytest.fixture
def server() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as fake:
        yield fake


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/out.jpg",
        "http://localhost/out.jpg",
        "http://[::1]/out.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://0x7f000001/out.jpg",
        "http://2130706433/out.jpg",
        "http://10.0.0.7/out.jpg",
        "http://192.168.1.20/out.jpg",
        "http://100.64.0.1/out.jpg",
        "http://0.0.0.0/out.jpg",
        "http://[fc00::1]/out.jpg",
        "http://[fe80::1]/out.jpg",
        "http://[::ffff:127.0.0.1]/out.jpg",
        "http://[::ffff:169.254.169.254]/out.jpg",
        "http://[64:ff9b::7f00:1]/out.jpg",
        "https://127.0.0.1:8443/out.jpg",
    ],
)
def test_private_addresses_are_refused_before_connecting(
    url: str, dns: FakeDNS, connect_attempts: list[Any]
) -> None:
    with pytest.raises(ProviderError) as caught:
        download_image(url, provider="ark", allowed_hosts=[])
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
    assert "not allowed" in caught.value.message
    assert connect_attempts == []


@pytest.mark.parametrize(
    ("host", "addresses"),
    [
        ("images.example.com", ["192.168.7.9"]),
        ("metadata.example.com", ["169.254.169.254"]),
        ("mixed.example.com", ["93.184.216.34", "10.1.2.3"]),  # any private record is enough
        ("v6.example.com", ["2606:2800:220:1::1", "fd12:3456::1"]),
    ],
)
def test_public_looking_host_resolving_to_private_address_is_refused(
    host: str, addresses: list[str], dns: FakeDNS, connect_attempts: list[Any]
) -> None:
    dns.table[host] = addresses
    with pytest.raises(ProviderError, match="not allowed"):
        download_image(f"https://{host}/out.jpg", allowed_hosts=[])
    assert connect_attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.jpg",
        "file:///etc/passwd",
        "gopher://x/",
        "https://user:pw@example.com/a.jpg",
        "https:///a.jpg",
    ],
)
def test_only_plain_http_urls_are_accepted(
    url: str, dns: FakeDNS, connect_attempts: list[Any]
) -> None:
    with pytest.raises(ProviderError) as caught:
        download_image(url, allowed_hosts=[])
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
    assert dns.lookups == []


def test_allow_listed_loopback_host_downloads_and_verifies(
    server: FakeProviderServer, connect_attempts: list[Any]
) -> None:
    image = download_image(server.output_url(3), allowed_hosts=["127.0.0.1"])
    assert image.data == server.image_bytes(3)
    assert image.content_type == "image/jpeg"
    assert (image.width, image.height) == server.image_size
    (request,) = server.requests
    assert request.headers["host"] == server.url.removeprefix("http://")
    assert (
        "X-Tos-Signature=0a1b%2F2c3d" in request.path
    )  # the signed query reaches the server intact


def test_allow_list_defaults_to_the_setting(
    settings: Any, server: FakeProviderServer, connect_attempts: list[Any]
) -> None:
    settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS = []
    with pytest.raises(ProviderError, match="not allowed"):
        download_image(server.output_url(0))
    settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS = ["127.0.0.1"]
    assert download_image(server.output_url(0)).data == server.image_bytes(0)
    assert len(server.file_requests()) == 1


def test_redirect_from_allowed_host_to_metadata_address_is_refused(
    server: FakeProviderServer, connect_attempts: list[Any]
) -> None:
    with pytest.raises(ProviderError, match=r"169\.254\.169\.254"):
        download_image(f"{server.url}/redirect/0", allowed_hosts=["127.0.0.1"])
    assert [request.path for request in server.requests] == ["/redirect/0"]
    assert connect_attempts == []


def test_redirect_to_a_loopback_name_that_is_not_allowed_is_refused(
    server: FakeProviderServer, dns: FakeDNS, connect_attempts: list[Any]
) -> None:
    server.redirect_target = "http://localhost/files/0.jpg"
    with pytest.raises(ProviderError, match=r"localhost \(127\.0\.0\.1, ::1\)"):
        download_image(f"{server.url}/redirect/0", allowed_hosts=["127.0.0.1"])
    assert server.file_requests() == []


def test_too_many_redirects_are_refused(
    server: FakeProviderServer, connect_attempts: list[Any]
) -> None:
    with pytest.raises(ProviderError, match="more than 3"):
        download_image(f"{server.url}/redirect-loop", allowed_hosts=["127.0.0.1"])
    assert len(server.requests) == 4


def test_connection_goes_to_the_vetted_address_even_if_dns_changes(
    server: FakeProviderServer,
    dns: FakeDNS,
    connect_attempts: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Treat 127.0.0.1 as a public address for this test only, so "cdn.example.com" passes the
    # vetting step; every later lookup of the name answers the metadata address (DNS rebinding).
    monkeypatch.setattr(addresses, "is_public_address", lambda address: address == "127.0.0.1")
    monkeypatch.setattr(downloads, "WEB_PORTS", frozenset({int(server.url.rsplit(":", 1)[1])}))
    answers = iter([["127.0.0.1"]])
    dns.table["cdn.example.com"] = lambda: next(answers, ["169.254.169.254"])
    url = server.output_url(1).replace("127.0.0.1", "cdn.example.com")
    assert download_image(url, allowed_hosts=[]).data == server.image_bytes(1)
    assert dns.lookups.count("cdn.example.com") == 1
    assert server.requests[0].headers["host"].startswith("cdn.example.com:")


def test_expired_output_url_gives_a_clear_error_and_is_not_retried(
    server: FakeProviderServer, connect_attempts: list[Any]
) -> None:
    with pytest.raises(ProviderError) as caught:
        download_image(
            f"{server.url}/files/expired-0.jpg", provider="ark", allowed_hosts=["127.0.0.1"]
        )
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
    assert "expired or does not exist (HTTP 404)" in caught.value.message
    assert caught.value.may_have_billed
    assert len(server.requests) == 1


def test_transient_download_failure_is_retried_once(
    server: FakeProviderServer, connect_attempts: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(downloads, "RETRY_DELAY", 0.0)
    with pytest.raises(ProviderError) as caught:
        download_image(f"{server.url}/files/error-0.jpg", allowed_hosts=["127.0.0.1"])
    assert caught.value.kind is Kind.UNAVAILABLE
    assert len(server.requests) == 2


def test_declared_size_over_the_cap_is_refused_unread(
    server: FakeProviderServer, connect_attempts: list[Any]
) -> None:
    with pytest.raises(ProviderError, match="cap"):
        download_image(server.output_url(0), allowed_hosts=["127.0.0.1"], max_bytes=1000)


def test_streamed_bytes_over_the_cap_are_refused() -> None:
    response = httpcore.Response(200, headers=[], content=iter([b"x" * 600, b"y" * 600]))
    with pytest.raises(ProviderError, match="1,000-byte cap"):
        downloads._read_capped(response, max_bytes=1000, deadline=float("inf"), provider="ark")


def _png(size: tuple[int, int], mode: str = "1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"GIF89a" + b"\x00" * 40,
        tiny_jpeg()[:-200],
        b"",
    ],
)
def test_non_images_and_truncated_images_are_refused(data: bytes) -> None:
    with pytest.raises(ProviderError, match="not a readable JPEG, PNG or WebP"):
        verify_image(data, provider="ark")


def test_images_over_the_pixel_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(ProviderError, match="pixels"), pytest.warns(Image.DecompressionBombWarning):
        verify_image(_png((1500, 1000)))
    assert verify_image(_png((900, 900), "RGB")).content_type == "image/png"


@pytest.mark.parametrize(
    ("address", "is_public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1::1", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("198.18.0.1", False),
        ("fe80::1%eth0", False),
        ("::ffff:8.8.8.8", False),
        ("64:ff9b::808:808", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("224.0.0.1", False),
    ],
)
def test_is_public_address(address: str, is_public: bool) -> None:
    assert is_public_address(address) is is_public
