"""OpenAICompatibleProvider against the loopback fake: both reply shapes and the injected faults."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest

from projects.providers import get_provider
from projects.providers.base import GenerationSpec, ProviderError, ProviderResult
from projects.providers.base import ProviderErrorKind as Kind
from tests.contract.conftest import OPENAI_KEY
from tests.contract.fake_provider import FakeProviderServer, Fault
from tests.contract.fake_replies import load_fixture
from tests.projects.providers_support import spec_from_fixture

pytestmark = pytest.mark.usefixtures("provider_settings")


def run(spec: GenerationSpec, **overrides: Any) -> ProviderResult:
    provider = get_provider("openai", **overrides)
    return provider.submit(provider.build_payload(spec))


def run_error(**overrides: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        run(GenerationSpec(prompt="a poster"), **overrides)
    return caught.value


@pytest.mark.parametrize("shape", ["ark", "openai"])
def test_group_round_trip_in_either_reply_shape(
    fake_provider: FakeProviderServer, shape: str
) -> None:
    fake_provider.openai_reply_shape = shape
    case = load_fixture("openai", "group")
    result = run(spec_from_fixture(case))
    (post,) = fake_provider.posts()
    assert post.path == "/v1/images/generations"
    assert post.json == case["body"]
    assert post.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert [image.data for image in result.images] == [
        fake_provider.image_bytes(i) for i in range(3)
    ]
    assert result.billed_images == 3


def test_openai_shape_without_usage_bills_the_images_returned(
    fake_provider: FakeProviderServer,
) -> None:
    fake_provider.openai_reply_shape = "openai"
    fake_provider.script(Fault.PARTIAL_GROUP)
    result = run(GenerationSpec(prompt="a set", max_images=3, response_format="b64_json"))
    assert len(result.images) == 2 and result.billed_images == 2


def test_ark_shape_partial_group_keeps_the_failed_item(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.PARTIAL_GROUP)
    result = run(GenerationSpec(prompt="a set", max_images=3, response_format="b64_json"))
    assert [image.is_success for image in result.images] == [True, False, True]
    assert result.billed_images == 2


@pytest.mark.parametrize(
    ("fault", "kind", "status", "code"),
    [
        (Fault.UNAUTHORIZED, Kind.AUTHENTICATION, 401, "invalid_api_key"),
        (Fault.FORBIDDEN, Kind.AUTHENTICATION, 403, "AccessDenied"),
        (Fault.ACCOUNT_OVERDUE, Kind.BILLING, 403, "AccountOverdueError"),
        (Fault.MODEL_NOT_FOUND, Kind.AUTHENTICATION, 404, "InvalidEndpointOrModel.NotFound"),
        (Fault.INVALID_PARAMETER, Kind.INVALID_PARAMETER, 400, "InvalidParameter"),
        (Fault.CONTENT_FILTER, Kind.CONTENT_POLICY, 400, "InputTextSensitiveContentDetected"),
        (Fault.RATE_LIMITED, Kind.RATE_LIMITED, 429, "rate_limit_exceeded"),
        (Fault.SERVER_ERROR, Kind.UNAVAILABLE, 500, "server_error"),
    ],
)
def test_error_replies_are_normalised_and_never_retried(
    fake_provider: FakeProviderServer, fault: Fault, kind: Kind, status: int, code: str
) -> None:
    fake_provider.script(fault)
    error = run_error()
    assert (error.kind, error.http_status, error.code) == (kind, status, code)
    assert len(fake_provider.posts()) == 1


def test_slow_reply_and_reset_are_unavailable_and_may_have_billed(
    fake_provider: FakeProviderServer,
) -> None:
    fake_provider.script(Fault.SLOW, Fault.CONNECTION_RESET)
    slow, reset = run_error(read_timeout=0.2), run_error()
    assert [(error.kind, error.may_have_billed) for error in (slow, reset)] == [
        (Kind.UNAVAILABLE, True),
        (Kind.UNAVAILABLE, True),
    ]
    assert len(fake_provider.posts()) == 2


def test_invalid_json_is_malformed(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.INVALID_JSON)
    assert run_error().kind is Kind.MALFORMED_RESPONSE


def test_expired_and_private_output_urls_are_per_image_errors(
    fake_provider: FakeProviderServer, loopback_only: list[Any]
) -> None:
    fake_provider.script(Fault.EXPIRED_URL, Fault.URL_METADATA)
    expired = run(GenerationSpec(prompt="p", response_format="url"))
    metadata = run(GenerationSpec(prompt="p", response_format="url"))
    assert expired.images[0].error and "HTTP 404" in expired.images[0].error.message
    assert metadata.images[0].error and "not allowed" in metadata.images[0].error.message
    assert loopback_only == []


def test_api_key_appears_nowhere(
    fake_provider: FakeProviderServer, caplog: pytest.LogCaptureFixture
) -> None:
    for name in (None, "httpx", "httpcore", "projects"):
        caplog.set_level(logging.DEBUG, logger=name)
    fake_provider.script(Fault.UNAUTHORIZED)
    error = run_error()
    result = run(GenerationSpec(prompt="p", response_format="url"))
    texts = [
        caplog.text,
        str(result.raw),
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
    ]
    assert [text for text in texts if OPENAI_KEY in text] == []
