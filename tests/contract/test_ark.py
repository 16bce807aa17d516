"""ArkProvider against the loopback fake: the real wire, every injected fault, the results."""

from __future__ import annotations

import email.utils
import logging
import time
import traceback
from typing import Any

import pytest

from projects.providers import get_provider
from projects.providers.base import GenerationSpec, ProviderError, ProviderResult
from projects.providers.base import ProviderErrorKind as Kind
from tests.contract.conftest import ARK_KEY
from tests.contract.fake_provider import FakeProviderServer, Fault
from tests.contract.fake_replies import load_fixture
from tests.projects.providers_support import data_uri, spec_from_fixture, tiny_jpeg

pytestmark = pytest.mark.usefixtures("provider_settings")


def run(spec: GenerationSpec, **overrides: Any) -> ProviderResult:
    provider = get_provider("ark", **overrides)
    return provider.submit(provider.build_payload(spec))


def run_error(spec: GenerationSpec | None = None, **overrides: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        run(spec or GenerationSpec(prompt="a poster"), **overrides)
    return caught.value


def test_text_to_image_sends_the_documented_body_and_stores_the_image(
    fake_provider: FakeProviderServer,
) -> None:
    case = load_fixture("ark", "text_to_image")
    result = run(spec_from_fixture(case))
    (post,) = fake_provider.posts()
    assert post.path == "/api/v3/images/generations"
    assert post.json == case["body"]
    assert post.headers["authorization"] == f"Bearer {ARK_KEY}"
    assert post.headers["content-type"] == "application/json"
    assert result.images[0].data == fake_provider.image_bytes(0)
    assert result.images[0].source_url.endswith("/files/0.jpg?[query omitted]")
    assert result.billed_images == 1 and result.request_id


def test_edit_sends_the_resolved_reference_as_a_data_uri(fake_provider: FakeProviderServer) -> None:
    provider = get_provider("ark")
    body = provider.build_payload(GenerationSpec(prompt="edit", references=("sha256:" + "0" * 64,)))
    resolved = {**body, "image": data_uri(tiny_jpeg())}
    result = provider.submit(resolved)
    assert fake_provider.posts()[0].json["image"].startswith("data:image/jpeg;base64,")
    assert result.images[0].is_success


def test_group_in_base64_returns_every_image(fake_provider: FakeProviderServer) -> None:
    result = run(GenerationSpec(prompt="a set", max_images=4, response_format="b64_json"))
    assert [image.data for image in result.images] == [
        fake_provider.image_bytes(i) for i in range(4)
    ]
    assert result.billed_images == 4
    assert fake_provider.file_requests() == []


@pytest.mark.parametrize(
    ("fault", "kind", "status", "code"),
    [
        (Fault.UNAUTHORIZED, Kind.AUTHENTICATION, 401, "AuthenticationError"),
        (Fault.FORBIDDEN, Kind.AUTHENTICATION, 403, "AccessDenied"),
        (Fault.ACCOUNT_OVERDUE, Kind.BILLING, 403, "AccountOverdueError"),
        (Fault.MODEL_NOT_FOUND, Kind.AUTHENTICATION, 404, "InvalidEndpointOrModel.NotFound"),
        (Fault.INVALID_PARAMETER, Kind.INVALID_PARAMETER, 400, "InvalidParameter"),
        (Fault.CONTENT_FILTER, Kind.CONTENT_POLICY, 400, "InputTextSensitiveContentDetected"),
        (Fault.RATE_LIMITED, Kind.RATE_LIMITED, 429, "RateLimitExceeded.EndpointRPMExceeded"),
        (Fault.SERVER_ERROR, Kind.UNAVAILABLE, 500, "InternalServiceError"),
    ],
)
def test_error_replies_are_normalised_and_never_retried(
    fake_provider: FakeProviderServer, fault: Fault, kind: Kind, status: int, code: str
) -> None:
    fake_provider.script(fault)
    error = run_error()
    assert (error.kind, error.http_status, error.code) == (kind, status, code)
    assert error.may_have_billed is (status >= 500)
    assert len(fake_provider.posts()) == 1


def test_rate_limit_carries_retry_after_in_seconds(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.RATE_LIMITED)
    assert run_error().retry_after == 7.0
    fake_provider.retry_after = email.utils.formatdate(time.time() + 60, usegmt=True)
    fake_provider.script(Fault.RATE_LIMITED)
    assert run_error().retry_after == pytest.approx(60, abs=3)


def test_invalid_parameter_names_the_field(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.INVALID_PARAMETER)
    assert run_error().field == "size"


def test_slow_reply_past_read_timeout_is_unavailable_and_may_have_billed(
    fake_provider: FakeProviderServer,
) -> None:
    fake_provider.script(Fault.SLOW)
    started = time.monotonic()
    error = run_error(read_timeout=0.2)
    assert time.monotonic() - started < 1.5
    assert error.kind is Kind.UNAVAILABLE and error.may_have_billed
    assert error.code == "ReadTimeout"
    assert len(fake_provider.posts()) == 1


def test_connection_reset_after_sending_is_unavailable_and_may_have_billed(
    fake_provider: FakeProviderServer,
) -> None:
    fake_provider.script(Fault.CONNECTION_RESET)
    error = run_error()
    assert error.kind is Kind.UNAVAILABLE and error.may_have_billed
    assert len(fake_provider.posts()) == 1


def test_invalid_json_is_malformed(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.INVALID_JSON)
    assert run_error().kind is Kind.MALFORMED_RESPONSE


def test_group_with_one_failed_item_keeps_the_others(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.PARTIAL_GROUP)
    result = run(GenerationSpec(prompt="a set", max_images=3, response_format="url"))
    assert [image.is_success for image in result.images] == [True, False, True]
    assert result.images[1].error is not None
    assert result.images[1].error.kind is Kind.CONTENT_POLICY
    assert result.billed_images == 2
    assert len(fake_provider.file_requests()) == 2


def test_expired_output_url_is_a_clear_per_image_error(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.EXPIRED_URL)
    result = run(GenerationSpec(prompt="p", response_format="url"))
    error = result.images[0].error
    assert error is not None and error.kind is Kind.MALFORMED_RESPONSE
    assert "expired or does not exist (HTTP 404)" in error.message
    assert result.billed_images == 1  # generated and billed, even though the file is gone


def test_output_on_loopback_is_refused_unless_allow_listed(
    fake_provider: FakeProviderServer, settings: Any
) -> None:
    settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS = []
    result = run(GenerationSpec(prompt="p", response_format="url"))
    error = result.images[0].error
    assert error is not None and "127.0.0.1" in error.message and "not allowed" in error.message
    assert fake_provider.file_requests() == []


def test_output_on_metadata_address_is_refused_without_connecting(
    fake_provider: FakeProviderServer, loopback_only: list[Any]
) -> None:
    fake_provider.script(Fault.URL_METADATA)
    result = run(GenerationSpec(prompt="p", response_format="url"))
    error = result.images[0].error
    assert error is not None and "169.254.169.254" in error.message
    assert loopback_only == []


def test_output_redirecting_to_a_private_address_is_refused(
    fake_provider: FakeProviderServer, loopback_only: list[Any]
) -> None:
    fake_provider.script(Fault.URL_REDIRECT_PRIVATE)
    result = run(GenerationSpec(prompt="p", response_format="url"))
    error = result.images[0].error
    assert error is not None and "not allowed" in error.message
    assert [request.path for request in fake_provider.requests[1:]] == ["/redirect/0"]
    assert loopback_only == []


def test_api_key_appears_nowhere(
    fake_provider: FakeProviderServer, caplog: pytest.LogCaptureFixture
) -> None:
    for name in (None, "httpx", "httpcore", "projects"):
        caplog.set_level(logging.DEBUG, logger=name)
    fake_provider.script(Fault.UNAUTHORIZED)
    error = run_error()
    assert "[redacted]" in error.message  # the fake echoed the key back
    fake_provider.script(Fault.SERVER_ERROR)
    server_error = run_error()
    result = run(GenerationSpec(prompt="p", max_images=2, response_format="url"))
    texts = [
        caplog.text,
        str(result.raw),
        repr(result),
        *(str(item) for item in (error, server_error)),
        *(repr(item) for item in (error, server_error)),
        *("".join(traceback.format_exception(item)) for item in (error, server_error)),
    ]
    assert [text for text in texts if ARK_KEY in text] == []
