"""FalProvider unit tests: documented input bodies, the size mapping, and the queue protocol
(submit, bounded polling, result, cancel) over httpx.MockTransport with a fake clock."""

from __future__ import annotations

import httpx
import pytest

from projects.providers.base import GenerationSpec, InvalidSpec, ProviderError
from projects.providers.base import ProviderErrorKind as Kind
from projects.providers.fal import FalProvider, fal_image_size
from tests.projects.providers_support import (
    MockProvider,
    RecordingDownloader,
    data_uri,
    fixture,
    json_reply,
    spec_from_fixture,
    tiny_jpeg,
)

KEY = "fal-unit-id:fal-unit-secret-DO-NOT-LEAK"
QUEUE = "https://queue.fal.run"
ROOT = f"{QUEUE}/fal-ai/bytedance/requests/req-1"
POINTER = "sha256:" + "c" * 64


class FakeClock:
    """time.monotonic and time.sleep for the polling loop, without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def submit_reply(root: str = ROOT) -> httpx.Response:
    reply = fixture("fal", "submit_reply")["reply"]
    reply.update(
        request_id="req-1",
        status_url=f"{root}/status",
        response_url=root,
        cancel_url=f"{root}/cancel",
    )
    return json_reply(200, reply)


def status(value: str) -> httpx.Response:
    return json_reply(200, {"status": value})


def make_provider(
    mock: MockProvider, **kwargs: object
) -> tuple[FalProvider, FakeClock, RecordingDownloader]:
    clock, downloader = FakeClock(), RecordingDownloader()
    provider = FalProvider(
        api_key=KEY,
        client=mock.client(),
        downloader=downloader,
        clock=clock,
        sleep=clock.sleep,
        **kwargs,
    )  # type: ignore[arg-type]
    return provider, clock, downloader


@pytest.mark.parametrize(
    "name", ["text_to_image", "edit_single_reference", "edit_ten_references", "group"]
)
def test_build_payload_matches_documented_body_and_endpoint(name: str) -> None:
    case = fixture("fal", name)
    provider = FalProvider()
    body = provider.build_payload(spec_from_fixture(case))
    assert body == case["body"]
    assert provider.endpoint_url(body) == f"{QUEUE}/fal-ai/bytedance/seedream/v4/{case['endpoint']}"


@pytest.mark.parametrize(
    ("size", "image_size"),
    [
        ("1K", {"width": 1024, "height": 1024}),
        ("2K", "auto_2K"),
        ("4K", "auto_4K"),
        ("2560x1440", {"width": 2560, "height": 1440}),
    ],
)
def test_sizes_map_to_fal_image_size(size: str, image_size: object) -> None:
    assert fal_image_size(size) == image_size


def test_random_seed_is_not_sent() -> None:
    assert "seed" not in FalProvider().build_payload(GenerationSpec(prompt="p", seed=-1))


@pytest.mark.parametrize(
    ("spec", "field", "limit"),
    [
        (GenerationSpec(prompt="p", max_images=7), "max_images", "on fal makes at most 6"),
        (GenerationSpec(prompt="p", size="100x100"), "size", "pixels"),
        (GenerationSpec(prompt="p", references=(POINTER,) * 15), "references", "at most 14"),
        (GenerationSpec(prompt="", references=(POINTER,)), "prompt", "empty"),
        (GenerationSpec(prompt="p", model="fal-ai/other-model"), "model", "FAL_MODEL"),
        (GenerationSpec(prompt="p", response_format="gif"), "response_format", "url or b64_json"),  # type: ignore[arg-type]
    ],
)
def test_invalid_spec_is_refused_before_any_request(
    spec: GenerationSpec, field: str, limit: str
) -> None:
    mock = MockProvider([submit_reply()])
    provider, _, _ = make_provider(mock)
    with pytest.raises(InvalidSpec) as caught:
        provider.submit(provider.build_payload(spec))
    assert caught.value.field == field and limit in caught.value.message
    assert mock.requests == []


def test_queue_flow_submits_polls_until_completed_then_fetches_result() -> None:
    result_body = fixture("fal", "result")["reply"]
    mock = MockProvider(
        [
            submit_reply(),
            status("IN_QUEUE"),
            status("IN_PROGRESS"),
            status("COMPLETED"),
            json_reply(200, result_body),
        ]
    )
    provider, clock, downloader = make_provider(mock, poll_interval=0.5)
    body = {
        **FalProvider().build_payload(GenerationSpec(prompt="p")),
        "image_urls": [data_uri(tiny_jpeg())],
    }
    result = provider.submit(body)
    methods_urls = [(request.method, str(request.url)) for request in mock.requests]
    assert methods_urls == [
        ("POST", f"{QUEUE}/fal-ai/bytedance/seedream/v4/edit"),
        ("GET", f"{ROOT}/status"),
        ("GET", f"{ROOT}/status"),
        ("GET", f"{ROOT}/status"),
        ("GET", ROOT),
    ]
    assert all(request.headers["authorization"] == f"Key {KEY}" for request in mock.requests)
    assert mock.bodies()[0] == body
    assert clock.sleeps == [0.5, 0.5]
    assert downloader.urls == [result_body["images"][0]["url"]]
    assert result.request_id == "req-1" and result.billed_images == 1
    assert result.raw["seed"] == 746406749


def test_sync_mode_data_uris_are_decoded_without_downloading() -> None:
    mock = MockProvider(
        [
            submit_reply(),
            status("COMPLETED"),
            json_reply(200, {"images": [{"url": data_uri(tiny_jpeg())}], "seed": 1}),
        ]
    )
    provider, _, downloader = make_provider(mock)
    result = provider.submit({"prompt": "p", "sync_mode": True})
    assert downloader.urls == []
    assert result.images[0].is_success and result.images[0].source_url == ""
    assert "omitted" in result.raw["images"][0]["url"]


def test_deadline_cancels_the_request_and_raises_unavailable() -> None:
    def cancel_or_status(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            return json_reply(202, {"status": "CANCELLATION_REQUESTED"})
        return json_reply(200, {"status": "IN_PROGRESS"})

    mock = MockProvider([submit_reply(), cancel_or_status])
    provider, clock, _ = make_provider(mock, poll_interval=1.0, deadline=3.0)
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is Kind.UNAVAILABLE and caught.value.may_have_billed
    assert "req-1" in caught.value.message and caught.value.code == "deadline_exceeded"
    assert mock.requests[-1].method == "PUT" and str(mock.requests[-1].url) == f"{ROOT}/cancel"
    assert clock.now <= 3.0


def test_transient_poll_failures_are_polled_through() -> None:
    mock = MockProvider(
        [
            submit_reply(),
            json_reply(503, {"detail": "busy"}),
            httpx.ReadTimeout("slow"),
            status("COMPLETED"),
            json_reply(200, {"images": [{"url": data_uri(tiny_jpeg())}]}),
        ]
    )
    provider, _, _ = make_provider(mock)
    assert provider.submit({"prompt": "p"}).images[0].is_success
    assert [request.method for request in mock.requests].count("POST") == 1


def test_queue_urls_off_the_queue_origin_are_refused_and_never_called() -> None:
    mock = MockProvider([submit_reply(root="https://attacker.example/requests/req-1")])
    provider, _, _ = make_provider(mock)
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
    assert [request.method for request in mock.requests] == ["POST"]


@pytest.mark.parametrize(
    "root", ["http://queue.fal.run/x", "https://queue.fal.run:99999/x", "https://[::1/x"]
)
def test_queue_urls_with_another_scheme_port_or_broken_syntax_are_refused(root: str) -> None:
    provider, _, _ = make_provider(MockProvider([submit_reply(root=root)]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is Kind.MALFORMED_RESPONSE


def test_unknown_queue_status_is_malformed() -> None:
    provider, _, _ = make_provider(MockProvider([submit_reply(), status("EXPLODED")]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is Kind.MALFORMED_RESPONSE


def test_validation_error_names_the_field() -> None:
    case = fixture("fal", "error_validation")
    provider, _, _ = make_provider(MockProvider([json_reply(case["status"], case["reply"])]))
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is Kind.INVALID_PARAMETER
    assert caught.value.field == "image_size" and "HTTP 422" in caught.value.message


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (json_reply(401, {"detail": "Unauthorized"}), Kind.AUTHENTICATION),
        (json_reply(403, {"detail": "Forbidden"}), Kind.AUTHENTICATION),
        (json_reply(404, {"detail": "Application not found"}), Kind.AUTHENTICATION),
        (json_reply(429, {"detail": "Too many requests"}, {"Retry-After": "3"}), Kind.RATE_LIMITED),
        (json_reply(500, {"detail": "Internal"}), Kind.UNAVAILABLE),
        (
            json_reply(
                422,
                {
                    "detail": [
                        {
                            "loc": ["body", "prompt"],
                            "msg": "flagged",
                            "type": "content_policy_violation",
                        }
                    ]
                },
            ),
            Kind.CONTENT_POLICY,
        ),
    ],
)
def test_submit_errors_map_to_taxonomy(reply: httpx.Response, kind: Kind) -> None:
    mock = MockProvider([reply])
    provider, _, _ = make_provider(mock)
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is kind
    assert len(mock.requests) == 1


def test_result_error_after_completion_is_raised_from_the_result_url() -> None:
    mock = MockProvider(
        [
            submit_reply(),
            status("COMPLETED"),
            json_reply(
                422,
                {
                    "detail": [
                        {
                            "loc": ["body", "prompt"],
                            "msg": "flagged",
                            "type": "content_policy_violation",
                        }
                    ]
                },
            ),
        ]
    )
    provider, _, _ = make_provider(mock)
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert caught.value.kind is Kind.CONTENT_POLICY


def test_fal_key_halves_are_redacted_from_echoed_errors() -> None:
    provider, _, _ = make_provider(
        MockProvider([json_reply(401, {"detail": f"bad key {KEY.split(':')[1]}"})])
    )
    with pytest.raises(ProviderError) as caught:
        provider.submit({"prompt": "p"})
    assert "DO-NOT-LEAK" not in caught.value.message
