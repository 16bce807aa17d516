"""FalProvider against the loopback fake queue: submit, IN_QUEUE -> IN_PROGRESS -> COMPLETED,
result, cancel on deadline, and the injected faults."""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

import pytest

from projects.providers import get_provider
from projects.providers.base import GenerationSpec, ProviderError, ProviderResult
from projects.providers.base import ProviderErrorKind as Kind
from tests.contract.conftest import FAL_KEY
from tests.contract.fake_provider import FakeProviderServer, Fault
from tests.contract.fake_replies import load_fixture
from tests.projects.providers_support import data_uri, spec_from_fixture, tiny_jpeg

pytestmark = pytest.mark.usefixtures("provider_settings")
FAST = {"poll_interval": 0.01, "deadline": 5.0}


def run(spec: GenerationSpec, **overrides: Any) -> ProviderResult:
    provider = get_provider("fal", **{**FAST, **overrides})
    return provider.submit(provider.build_payload(spec))


def run_error(spec: GenerationSpec | None = None, **overrides: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        run(spec or GenerationSpec(prompt="a poster", response_format="url"), **overrides)
    return caught.value


def status_polls(fake: FakeProviderServer) -> list[str]:
    return [request.path for request in fake.requests if request.path.endswith("/status")]


def test_text_to_image_walks_the_queue_and_downloads_the_result(
    fake_provider: FakeProviderServer,
) -> None:
    case = load_fixture("fal", "text_to_image")
    result = run(spec_from_fixture(case))
    (post,) = fake_provider.posts()
    assert post.path == "/fal-ai/bytedance/seedream/v4/text-to-image"
    assert post.json == case["body"]
    assert post.headers["authorization"] == f"Key {FAL_KEY}"
    assert len(status_polls(fake_provider)) == 3  # IN_QUEUE, IN_PROGRESS, COMPLETED
    assert all(
        request.headers["authorization"] == f"Key {FAL_KEY}"
        for request in fake_provider.requests
        if "/requests/" in request.path
    )
    assert result.images[0].data == fake_provider.image_bytes(0)
    assert result.request_id == post_request_id(fake_provider)
    assert result.billed_images == 1


def post_request_id(fake: FakeProviderServer) -> str:
    return status_polls(fake)[0].split("/")[-2]


def test_edit_goes_to_the_edit_endpoint_with_resolved_image_urls(
    fake_provider: FakeProviderServer,
) -> None:
    provider = get_provider("fal", **FAST)
    body = provider.build_payload(GenerationSpec(prompt="edit", references=("sha256:" + "1" * 64,)))
    result = provider.submit({**body, "image_urls": [data_uri(tiny_jpeg())]})
    (post,) = fake_provider.posts()
    assert post.path == "/fal-ai/bytedance/seedream/v4/edit"
    assert post.json["image_urls"][0].startswith("data:image/jpeg;base64,")
    assert result.images[0].is_success


def test_group_in_sync_mode_returns_data_uris_without_downloads(
    fake_provider: FakeProviderServer,
) -> None:
    result = run(GenerationSpec(prompt="a set", max_images=3, response_format="b64_json"))
    assert [image.data for image in result.images] == [
        fake_provider.image_bytes(i) for i in range(3)
    ]
    assert fake_provider.file_requests() == []
    assert result.billed_images == 3


def test_latency_is_waited_out_by_polling(settings: Any) -> None:
    with FakeProviderServer(latency=0.3) as fake:
        settings.FAL_QUEUE_URL = fake.fal_queue_url
        started = time.monotonic()
        result = run(GenerationSpec(prompt="p", response_format="url"), poll_interval=0.05)
        assert time.monotonic() - started >= 0.3
        assert result.images[0].is_success
        assert len(fake.posts()) == 1


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        (Fault.UNAUTHORIZED, Kind.AUTHENTICATION, 401),
        (Fault.FORBIDDEN, Kind.AUTHENTICATION, 403),
        (Fault.MODEL_NOT_FOUND, Kind.AUTHENTICATION, 404),
        (Fault.INVALID_PARAMETER, Kind.INVALID_PARAMETER, 422),
        (Fault.CONTENT_FILTER, Kind.CONTENT_POLICY, 422),
        (Fault.RATE_LIMITED, Kind.RATE_LIMITED, 429),
        (Fault.SERVER_ERROR, Kind.UNAVAILABLE, 500),
    ],
)
def test_submit_errors_are_normalised_and_never_retried(
    fake_provider: FakeProviderServer, fault: Fault, kind: Kind, status: int
) -> None:
    fake_provider.script(fault)
    error = run_error()
    assert (error.kind, error.http_status) == (kind, status)
    assert len(fake_provider.posts()) == 1
    assert status_polls(fake_provider) == []


def test_rate_limit_carries_retry_after(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.RATE_LIMITED)
    assert run_error().retry_after == 7.0


def test_slow_submit_past_read_timeout_may_have_billed(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.SLOW)
    error = run_error(read_timeout=0.2)
    assert error.kind is Kind.UNAVAILABLE and error.may_have_billed
    assert len(fake_provider.posts()) == 1


def test_connection_reset_on_submit_may_have_billed(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.CONNECTION_RESET)
    error = run_error()
    assert error.kind is Kind.UNAVAILABLE and error.may_have_billed
    assert len(fake_provider.posts()) == 1


def test_invalid_json_on_submit_is_malformed(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.INVALID_JSON)
    assert run_error().kind is Kind.MALFORMED_RESPONSE


def test_stuck_request_is_cancelled_at_the_deadline(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.FAL_STUCK)
    error = run_error(deadline=0.3, poll_interval=0.05)
    assert error.kind is Kind.UNAVAILABLE and error.may_have_billed
    assert error.code == "deadline_exceeded"
    assert fake_provider.requests[-1].method == "PUT"
    assert fake_provider.requests[-1].path.endswith("/cancel")


def test_failed_result_after_completion_is_content_policy(
    fake_provider: FakeProviderServer,
) -> None:
    fake_provider.script(Fault.FAL_FAILED_RESULT)
    error = run_error()
    assert error.kind is Kind.CONTENT_POLICY and error.field == "prompt"


def test_expired_output_url_is_a_per_image_error(fake_provider: FakeProviderServer) -> None:
    fake_provider.script(Fault.EXPIRED_URL)
    result = run(GenerationSpec(prompt="p", max_images=2, response_format="url"))
    assert all(image.error and "HTTP 404" in image.error.message for image in result.images)


def test_output_urls_at_private_addresses_are_refused(
    fake_provider: FakeProviderServer, loopback_only: list[Any]
) -> None:
    fake_provider.script(Fault.URL_METADATA)
    metadata = run(GenerationSpec(prompt="p", response_format="url"))
    fake_provider.script(Fault.URL_REDIRECT_PRIVATE)
    redirected = run(GenerationSpec(prompt="p", response_format="url"))
    for result in (metadata, redirected):
        error = result.images[0].error
        assert error is not None and "169.254.169.254" in error.message
    assert loopback_only == []


def test_fal_key_appears_nowhere(
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
    for secret in (FAL_KEY, FAL_KEY.split(":")[1]):
        assert [text for text in texts if secret in text] == []
