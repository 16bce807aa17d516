"""ArkProvider unit tests: exact bodies from the documented fixtures, validation before any
request, and the error taxonomy over httpx.MockTransport (no sockets)."""

from __future__ import annotations

import email.utils
import logging
import time
import traceback

import httpx
import pytest

from projects.providers.ark import ArkProvider
from projects.providers.base import GenerationSpec, InvalidSpec, ProviderError
from projects.providers.base import ProviderErrorKind as Kind
from tests.projects.providers_support import (
    MockProvider,
    RecordingDownloader,
    data_uri,
    fixture,
    json_reply,
    spec_from_fixture,
    tiny_jpeg,
    tiny_jpeg_b64,
)

KEY = "ark-unit-key-DO-NOT-LEAK-77aa"
POINTER = "sha256:" + "a" * 64


def make_provider(mock: MockProvider, **kwargs: object) -> ArkProvider:
    return ArkProvider(
        api_key=KEY, client=mock.client(), downloader=RecordingDownloader(), **kwargs
    )


def ok_reply(count: int = 1) -> httpx.Response:
    data = [{"b64_json": tiny_jpeg_b64(), "size": "32x24"} for _ in range(count)]
    return json_reply(
        200,
        {
            "model": "seedream-4-0-250828",
            "created": 1,
            "data": data,
            "usage": {"generated_images": count},
        },
    )


@pytest.mark.parametrize(
    "name",
    ["text_to_image", "edit_single_reference", "edit_ten_references", "group_multi_reference"],
)
def test_build_payload_matches_documented_body(name: str) -> None:
    case = fixture("ark", name)
    assert ArkProvider().build_payload(spec_from_fixture(case)) == case["body"]


def test_build_payload_sends_one_reference_as_string_and_several_as_list() -> None:
    one = ArkProvider().build_payload(GenerationSpec(prompt="p", references=(POINTER,)))
    two = ArkProvider().build_payload(GenerationSpec(prompt="p", references=(POINTER, POINTER)))
    assert one["image"] == POINTER
    assert two["image"] == [POINTER, POINTER]


def test_build_payload_leaves_seed_out_because_seedream_4_does_not_document_it() -> None:
    body = ArkProvider().build_payload(GenerationSpec(prompt="p", seed=42))
    assert "seed" not in body
    assert body["stream"] is False


def test_build_payload_uses_spec_model_over_default() -> None:
    spec = GenerationSpec(prompt="p", rules_model="seedream-4-0-250828")
    body = ArkProvider(model="ep-20260101-abc").build_payload(spec)
    assert body["model"] == "ep-20260101-abc"
    spec = GenerationSpec(prompt="p", model="seedream-4-5-251128")
    assert ArkProvider().build_payload(spec)["model"] == "seedream-4-5-251128"


def test_an_unmapped_unknown_model_is_refused_saying_how_to_map_it() -> None:
    with pytest.raises(InvalidSpec) as caught:
        ArkProvider(model="ep-20260101-abc").build_payload(GenerationSpec(prompt="p"))
    assert caught.value.field == "model"
    assert "'ep-20260101-abc' is not in Brandkit's model table" in caught.value.message
    assert "BRANDKIT_MODEL_MAP=ep-20260101-abc=seedream-5-5-261028" in caught.value.message


@pytest.mark.parametrize(
    ("spec", "field", "limit"),
    [
        (GenerationSpec(prompt="p", size="3K"), "size", "no 3K size; choose 1K, 2K or 4K"),
        (GenerationSpec(prompt="p", size="800x800"), "size", "921,600"),
        (GenerationSpec(prompt="p", references=(POINTER,) * 15), "references", "at most 14"),
        (
            GenerationSpec(prompt="p", references=(POINTER,) * 5, max_images=11),
            "max_images",
            "at most 15",
        ),
        (GenerationSpec(prompt="p", max_images=16), "max_images", "at most 15 images per group"),
        (GenerationSpec(prompt="   "), "prompt", "empty"),
        (GenerationSpec(prompt="p", response_format="png"), "response_format", "url or b64_json"),  # type: ignore[arg-type]
    ],
)
def test_invalid_spec_is_refused_before_any_request(
    spec: GenerationSpec, field: str, limit: str
) -> None:
    mock = MockProvider([ok_reply()])
    provider = make_provider(mock)
    with pytest.raises(InvalidSpec) as caught:
        provider.submit(provider.build_payload(spec))
    assert caught.value.field == field
    assert limit in caught.value.message
    assert caught.value.kind is Kind.INVALID_PARAMETER
    assert mock.requests == []


def test_submit_refuses_unresolved_pointer_without_a_request() -> None:
    mock = MockProvider([ok_reply()])
    provider = make_provider(mock)
    with pytest.raises(InvalidSpec, match="resolve references"):
        provider.submit(provider.build_payload(GenerationSpec(prompt="p", references=(POINTER,))))
    assert mock.requests == []


def test_submit_posts_body_with_bearer_key_and_client_request_id() -> None:
    mock = MockProvider([ok_reply()])
    body = {
        **ArkProvider().build_payload(GenerationSpec(prompt="p")),
        "image": data_uri(tiny_jpeg()),
    }
    result = make_provider(mock).submit(body)
    (request,) = mock.requests
    assert request.method == "POST"
    assert str(request.url) == "https://ark.ap-southeast.bytepluses.com/api/v3/images/generations"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert mock.bodies() == [body]
    assert result.request_id == request.headers["x-client-request-id"]
    assert result.images[0].data is not None and result.images[0].content_type == "image/jpeg"
    assert result.raw["data"][0]["b64_json"].endswith("base64 characters omitted]")


def test_submit_prefers_the_provider_request_id_header() -> None:
    reply = ok_reply()
    reply.headers["X-Request-Id"] = "0217-provider-id"
    assert (
        make_provider(MockProvider([reply])).submit({"prompt": "p"}).request_id
        == "0217-provider-id"
    )


def test_documented_url_reply_is_downloaded_at_once_with_the_url_untouched() -> None:
    case = fixture("ark", "response_url")
    downloader = RecordingDownloader()
    provider = ArkProvider(
        api_key=KEY,
        client=MockProvider([json_reply(200, case["reply"])]).client(),
        downloader=downloader,
    )
    result = provider.submit({"model": "seedream-4-0-250828", "prompt": "p"})
    signed_url = case["reply"]["data"][0]["url"]
    assert downloader.urls == [signed_url]  # not re-escaped: a mangled signed URL is refused
    assert result.model == "doubao-seedream-4-0-250828"
    assert result.billed_images == 1
    assert result.images[0].is_success
    assert "X-Tos-Signature" not in result.images[0].source_url
    assert "X-Tos-Signature" not in str(result.raw)


def test_partial_group_keeps_successes_and_bills_only_generated_images() -> None:
    case = fixture("ark", "response_partial_group")
    result = make_provider(MockProvider([json_reply(200, case["reply"])])).submit({"prompt": "p"})
    assert [image.is_success for image in result.images] == [True, False, True]
    failed = result.failed[0]
    assert failed.error is not None and failed.error.kind is Kind.CONTENT_POLICY
    assert failed.error.code == "OutputImageSensitiveContentDetected"
    assert not failed.error.may_have_billed
    assert result.billed_images == 2


def test_item_that_is_not_an_image_becomes_a_malformed_item_error() -> None:
    reply = json_reply(200, {"data": [{"b64_json": "bm90IGFuIGltYWdl"}, {"size": "1x1"}]})
    result = make_provider(MockProvider([reply])).submit({"prompt": "p"})
    assert [image.error.kind for image in result.images if image.error] == [
        Kind.MALFORMED_RESPONSE,
        Kind.MALFORMED_RESPONSE,
    ]


def _ark_error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {
        "error": {
            "code": code,
            "message": f"{code} happened. Request id: 0217",
            "param": "",
            "type": "BadRequest",
        }
    }
    return json_reply(status, body, headers)


@pytest.mark.parametrize(
    ("reply", "kind", "may_have_billed"),
    [
        (_ark_error(400, "InvalidParameter"), Kind.INVALID_PARAMETER, False),
        (_ark_error(400, "MissingParameter"), Kind.INVALID_PARAMETER, False),
        (_ark_error(400, "InvalidParameter.Size"), Kind.INVALID_PARAMETER, False),
        (_ark_error(400, "SensitiveContentDetected.SevereViolation"), Kind.CONTENT_POLICY, False),
        (_ark_error(400, "InputTextSensitiveContentDetected"), Kind.CONTENT_POLICY, False),
        (
            _ark_error(400, "InputImageSensitiveContentDetected.PrivacyInformation"),
            Kind.CONTENT_POLICY,
            False,
        ),
        (_ark_error(400, "OutputImageSensitiveContentDetected"), Kind.CONTENT_POLICY, False),
        (_ark_error(400, "InputTextRiskDetection"), Kind.CONTENT_POLICY, False),
        (_ark_error(400, "InvalidEndpoint.ClosedEndpoint"), Kind.AUTHENTICATION, False),
        (_ark_error(401, "AuthenticationError"), Kind.AUTHENTICATION, False),
        (_ark_error(403, "AccessDenied"), Kind.AUTHENTICATION, False),
        (_ark_error(403, "AccountOverdueError"), Kind.BILLING, False),
        (_ark_error(429, "QuotaExceeded"), Kind.BILLING, False),
        (
            _ark_error(404, "InvalidEndpointOrModel.ModelIDAccessDisabled"),
            Kind.AUTHENTICATION,
            False,
        ),
        (_ark_error(404, "InvalidEndpoint.NotFound"), Kind.AUTHENTICATION, False),
        (_ark_error(429, "ModelAccountIpmRateLimitExceeded"), Kind.RATE_LIMITED, False),
        (_ark_error(500, "InternalServiceError"), Kind.UNAVAILABLE, True),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), Kind.UNAVAILABLE, True),
        (httpx.Response(504, text=""), Kind.UNAVAILABLE, True),
    ],
)
def test_error_status_maps_to_taxonomy(
    reply: httpx.Response, kind: Kind, may_have_billed: bool
) -> None:
    mock = MockProvider([reply])
    with pytest.raises(ProviderError) as caught:
        make_provider(mock).submit({"prompt": "p"})
    assert caught.value.kind is kind
    assert caught.value.http_status == reply.status_code
    assert caught.value.may_have_billed is may_have_billed
    assert caught.value.provider == "ark"
    assert len(mock.requests) == 1  # never retried inside the adapter


def test_invalid_parameter_names_the_field_from_the_documented_body() -> None:
    case = fixture("ark", "error_invalid_parameter")
    with pytest.raises(ProviderError) as caught:
        make_provider(MockProvider([json_reply(case["status"], case["reply"])])).submit(
            {"prompt": "p"}
        )
    assert caught.value.field == "size"
    assert caught.value.code == "InvalidParameter"
    assert "size" in caught.value.message and "HTTP 400" in caught.value.message


@pytest.mark.parametrize(
    ("header", "expected"), [("12", 12.0), ("0.5", 0.5), ("http-date in 30 s", 30.0)]
)
def test_rate_limit_reads_retry_after_seconds_and_http_date(header: str, expected: float) -> None:
    if header.startswith("http-date"):
        header = email.utils.formatdate(time.time() + 30, usegmt=True)
    reply = _ark_error(429, "RateLimitExceeded.EndpointRPMExceeded", {"Retry-After": header})
    with pytest.raises(ProviderError) as caught:
        make_provider(MockProvider([reply])).submit({"prompt": "p"})
    assert caught.value.kind is Kind.RATE_LIMITED and caught.value.is_retryable
    assert caught.value.retry_after == pytest.approx(expected, abs=2)


@pytest.mark.parametrize(
    ("exception", "may_have_billed"),
    [
        (httpx.ConnectError("refused"), False),
        (httpx.ConnectTimeout("slow connect"), False),
        (httpx.PoolTimeout("pool"), False),
        (httpx.ReadTimeout("slow reply"), True),
        (httpx.WriteTimeout("slow upload"), True),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), True),
        (httpx.ReadError("reset"), True),
    ],
)
def test_transport_errors_become_unavailable_and_flag_possible_billing(
    exception: Exception, may_have_billed: bool
) -> None:
    mock = MockProvider([exception])
    with pytest.raises(ProviderError) as caught:
        make_provider(mock).submit({"prompt": "p"})
    assert caught.value.kind is Kind.UNAVAILABLE
    assert caught.value.may_have_billed is may_have_billed
    assert type(exception).__name__ in caught.value.message
    assert len(mock.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="{not json"),
        json_reply(200, ["a", "list"]),
        json_reply(200, {"created": 1}),
        json_reply(200, {"data": []}),
    ],
)
def test_unreadable_success_reply_is_malformed(reply: httpx.Response) -> None:
    with pytest.raises(ProviderError) as caught:
        make_provider(MockProvider([reply])).submit({"prompt": "p"})
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
    assert caught.value.may_have_billed  # a 2xx means the work was probably done


def test_top_level_error_in_a_200_reply_is_raised() -> None:
    reply = json_reply(
        200, {"error": {"code": "OutputImageSensitiveContentDetected", "message": "no"}}
    )
    with pytest.raises(ProviderError) as caught:
        make_provider(MockProvider([reply])).submit({"prompt": "p"})
    assert caught.value.kind is Kind.CONTENT_POLICY


def test_api_key_never_appears_in_errors_logs_or_raw(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "projects"):
        caplog.set_level(logging.DEBUG, logger=name)
    echo = json_reply(
        401,
        {
            "error": {
                "code": "AuthenticationError",
                "message": f"bad key {KEY}",
                "param": KEY,
                "type": "Unauthorized",
            }
        },
    )
    success = json_reply(200, {"data": [{"b64_json": tiny_jpeg_b64()}], "note": f"key {KEY}"})
    provider = make_provider(MockProvider([echo, success]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    result = provider.submit({"prompt": "p"})
    error = caught.value
    texts = [
        str(error),
        repr(error),
        error.message,
        error.field,
        error.code,
        "".join(traceback.format_exception(error)),
        caplog.text,
        str(result.raw),
        repr(provider),
    ]
    assert not [text for text in texts if KEY in text]
    assert "[redacted]" in error.message
