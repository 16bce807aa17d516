"""OpenAICompatibleProvider unit tests: Ark-shaped bodies without `stream`, both reply shapes, and
OpenAI-shaped error bodies, over httpx.MockTransport."""

from __future__ import annotations

import httpx
import pytest

from projects.providers.base import GenerationSpec, InvalidSpec, ProviderError
from projects.providers.base import ProviderErrorKind as Kind
from projects.providers.openai import OpenAICompatibleProvider
from tests.projects.providers_support import (
    MockProvider,
    RecordingDownloader,
    fixture,
    json_reply,
    spec_from_fixture,
    tiny_jpeg_b64,
)

KEY = "sk-unit-DO-NOT-LEAK-0f0f0f"
POINTER = "sha256:" + "b" * 64


def make_provider(mock: MockProvider) -> tuple[OpenAICompatibleProvider, RecordingDownloader]:
    downloader = RecordingDownloader()
    provider = OpenAICompatibleProvider(api_key=KEY, client=mock.client(), downloader=downloader)
    return provider, downloader


@pytest.mark.parametrize(
    "name", ["text_to_image", "edit_single_reference", "edit_ten_references", "group"]
)
def test_build_payload_matches_documented_body(name: str) -> None:
    case = fixture("openai", name)
    assert OpenAICompatibleProvider().build_payload(spec_from_fixture(case)) == case["body"]


def test_build_payload_sends_image_as_array_even_for_one_reference() -> None:
    body = OpenAICompatibleProvider().build_payload(
        GenerationSpec(prompt="p", references=(POINTER,))
    )
    assert body["image"] == [POINTER]
    assert "stream" not in body and "seed" not in body


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (GenerationSpec(prompt="p", size="5K"), "size"),
        (GenerationSpec(prompt="p", references=(POINTER,) * 11), "references"),
        (GenerationSpec(prompt="p", references=(POINTER,) * 10, max_images=6), "max_images"),
        (GenerationSpec(prompt=""), "prompt"),
        (GenerationSpec(prompt="p", response_format="jpeg"), "response_format"),  # type: ignore[arg-type]
    ],
)
def test_invalid_spec_is_refused_before_any_request(spec: GenerationSpec, field: str) -> None:
    mock = MockProvider([json_reply(200, {"data": []})])
    provider, _ = make_provider(mock)
    with pytest.raises(InvalidSpec) as caught:
        provider.submit(provider.build_payload(spec))
    assert caught.value.field == field
    assert mock.requests == []


def test_submit_posts_to_the_openai_style_path_with_bearer_key() -> None:
    mock = MockProvider([json_reply(200, {"created": 1, "data": [{"b64_json": tiny_jpeg_b64()}]})])
    provider, _ = make_provider(mock)
    provider.submit({"model": "m", "prompt": "p"})
    (request,) = mock.requests
    assert str(request.url) == "https://api.cometapi.com/v1/images/generations"
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_openai_shaped_reply_is_parsed_and_billed_by_images_returned() -> None:
    case = fixture("openai", "response_openai_shape")
    provider, downloader = make_provider(MockProvider([json_reply(200, case["reply"])]))
    result = provider.submit({"model": "bytedance-seedream-4-0-250828", "prompt": "p"})
    assert downloader.urls == [case["reply"]["data"][0]["url"]]
    assert result.billed_images == 1
    assert result.model == "bytedance-seedream-4-0-250828"  # the reply names no model
    assert [image.is_success for image in result.images] == [True]


def test_ark_shaped_reply_is_billed_by_usage_generated_images() -> None:
    case = fixture("openai", "response_ark_shape")
    provider, downloader = make_provider(MockProvider([json_reply(200, case["reply"])]))
    result = provider.submit({"prompt": "p"})
    assert len(downloader.urls) == 2
    assert result.billed_images == 2
    assert len(result.succeeded) == 2


def _openai_error(
    status: int, code: str | None, kind: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return json_reply(
        status, {"error": {"message": "it failed", "type": kind, "code": code}}, headers
    )


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (_openai_error(401, "invalid_api_key", "invalid_request_error"), Kind.AUTHENTICATION),
        (_openai_error(401, None, "invalid_request_error"), Kind.AUTHENTICATION),
        (_openai_error(404, "model_not_found", "invalid_request_error"), Kind.AUTHENTICATION),
        (_openai_error(400, None, "invalid_request_error"), Kind.INVALID_PARAMETER),
        (
            _openai_error(400, "content_policy_violation", "invalid_request_error"),
            Kind.CONTENT_POLICY,
        ),
        (
            _openai_error(400, "InputTextSensitiveContentDetected", "BadRequest"),
            Kind.CONTENT_POLICY,
        ),
        (_openai_error(429, "insufficient_quota", "insufficient_quota"), Kind.BILLING),
        (_openai_error(429, "rate_limit_exceeded", "rate_limit_error"), Kind.RATE_LIMITED),
        (_openai_error(402, None, "billing_error"), Kind.BILLING),
        (_openai_error(500, None, "server_error"), Kind.UNAVAILABLE),
        (
            json_reply(
                403, {"Code": "AccessDenied", "Message": "Access Denied", "EC": "0003-00000015"}
            ),
            Kind.AUTHENTICATION,
        ),
    ],
)
def test_openai_shaped_errors_map_to_taxonomy(reply: httpx.Response, kind: Kind) -> None:
    provider, _ = make_provider(MockProvider([reply]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is kind
    assert caught.value.provider == "openai"


def test_documented_invalid_key_body_names_code_and_status() -> None:
    case = fixture("openai", "error_invalid_api_key")
    provider, _ = make_provider(MockProvider([json_reply(case["status"], case["reply"])]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.code == "invalid_api_key"
    assert "HTTP 401" in caught.value.message and "Incorrect API key" in caught.value.message


def test_retry_after_ms_header_is_honoured() -> None:
    reply = _openai_error(
        429, "rate_limit_exceeded", "rate_limit_error", {"retry-after-ms": "1500"}
    )
    provider, _ = make_provider(MockProvider([reply]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.retry_after == 1.5
