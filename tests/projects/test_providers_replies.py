"""Provider replies read through a spooled file (projects/providers/replies.py): the byte cap, the
reply slot a large reply is parsed in, and failures midway, over httpx.MockTransport."""

from __future__ import annotations

import base64
import io
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from PIL import Image

from projects.providers import hosted, replies
from projects.providers.ark import ArkProvider
from projects.providers.base import ProviderError
from projects.providers.base import ProviderErrorKind as Kind
from projects.providers.outputs import decode_b64
from tests.projects.providers_support import MockProvider, RecordingDownloader, tiny_jpeg_b64

KEY = "ark-replies-key-DO-NOT-LEAK-31cc"
BODY = {"model": "seedream-4-0-250828", "prompt": "p", "response_format": "b64_json"}


def make_provider(*replies_: object) -> ArkProvider:
    mock = MockProvider(list(replies_))  # type: ignore[arg-type]
    return ArkProvider(api_key=KEY, client=mock.client(), downloader=RecordingDownloader())


def noisy_jpeg_b64(side: int = 480) -> str:
    """A JPEG too noisy to compress, so its reply is well over the in-memory spool limit."""
    pixels = random.Random(7).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buffer, "JPEG", quality=95)
    return base64.b64encode(buffer.getvalue()).decode()


def reply_of(b64: str) -> httpx.Response:
    payload = {"data": [{"b64_json": b64}], "usage": {"generated_images": 1}}
    return httpx.Response(200, json=payload)


def streamed(chunks: list[bytes], *, fail_after: int | None = None) -> httpx.Response:
    """A 200 whose body arrives in chunks with no Content-Length, optionally cut midway."""

    def body() -> Iterator[bytes]:
        for number, chunk in enumerate(chunks):
            if fail_after is not None and number == fail_after:
                raise httpx.ReadError("connection reset")
            yield chunk

    return httpx.Response(200, content=body())


class SlotRecorder:
    """Stands in for image_slots.reply_work and records whether decodes ran inside it."""

    def __init__(self) -> None:
        self.entered = 0
        self.inside = False
        self.decodes_inside: list[bool] = []

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.entered += 1
        self.inside = True
        try:
            yield
        finally:
            self.inside = False


@pytest.fixture
def slots(monkeypatch: pytest.MonkeyPatch) -> SlotRecorder:
    recorder = SlotRecorder()
    monkeypatch.setattr(replies, "reply_work", recorder)

    def recording_decode(data: str, *, provider: str):  # type: ignore[no-untyped-def]
        recorder.decodes_inside.append(recorder.inside)
        return decode_b64(data, provider=provider)

    monkeypatch.setattr(hosted, "decode_b64", recording_decode)
    return recorder


def test_large_reply_is_decoded_inside_a_reply_slot(slots: SlotRecorder) -> None:
    b64 = noisy_jpeg_b64()
    assert len(b64) > replies.SPOOL_MEMORY_BYTES
    result = make_provider(reply_of(b64)).submit(BODY)
    assert result.images[0].data == base64.b64decode(b64)
    assert slots.entered == 1
    assert slots.decodes_inside == [True]
    assert slots.inside is False  # released once the reply is parsed


def test_small_reply_takes_no_slot(slots: SlotRecorder) -> None:
    result = make_provider(reply_of(tiny_jpeg_b64())).submit(BODY)
    assert result.images[0].is_success
    assert slots.entered == 0
    assert slots.decodes_inside == [False]


def test_reply_streamed_in_chunks_is_reassembled(slots: SlotRecorder) -> None:
    b64 = noisy_jpeg_b64()
    content = reply_of(b64).content
    chunks = [content[start : start + 65536] for start in range(0, len(content), 65536)]
    result = make_provider(streamed(chunks)).submit(BODY)
    assert result.images[0].data == base64.b64decode(b64)
    assert slots.entered == 1


@pytest.mark.parametrize("declared", [True, False])
def test_reply_over_the_cap_is_malformed_and_may_have_billed(
    monkeypatch: pytest.MonkeyPatch, declared: bool
) -> None:
    monkeypatch.setattr(replies, "REPLY_MAX_BYTES", 1000)
    content = reply_of(noisy_jpeg_b64(64)).content
    assert len(content) > 1000
    reply = httpx.Response(200, content=content) if declared else streamed([content[:600]] * 2)
    with pytest.raises(ProviderError) as caught:
        make_provider(reply).submit(BODY)
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
    assert caught.value.may_have_billed
    assert "cap" in caught.value.message


def test_connection_dropped_mid_body_is_unavailable_and_may_have_billed() -> None:
    content = reply_of(tiny_jpeg_b64()).content
    with pytest.raises(ProviderError) as caught:
        make_provider(streamed([content[:10], content[10:]], fail_after=1)).submit(BODY)
    assert caught.value.kind is Kind.UNAVAILABLE
    assert caught.value.may_have_billed


def test_error_reply_is_read_only_up_to_its_cap_and_still_mapped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replies, "ERROR_MAX_BYTES", 200)
    payload = {"error": {"code": "InvalidParameter", "message": "bad size " + "x" * 50}}
    small = httpx.Response(400, json=payload)
    with pytest.raises(ProviderError) as caught:
        make_provider(small).submit(BODY)
    assert caught.value.kind is Kind.INVALID_PARAMETER
    assert "bad size" in caught.value.message
    huge = httpx.Response(500, content=b"<html>" + b"x" * 5000)
    with pytest.raises(ProviderError) as caught:
        make_provider(huge).submit(BODY)
    assert caught.value.http_status == 500


def test_reply_that_is_not_json_is_malformed() -> None:
    with pytest.raises(ProviderError) as caught:
        make_provider(httpx.Response(200, content=b"<html>oops</html>")).submit(BODY)
    assert caught.value.kind is Kind.MALFORMED_RESPONSE


def test_every_spool_is_closed_whatever_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tempfile.SpooledTemporaryFile[bytes]] = []
    real = tempfile.SpooledTemporaryFile

    def recording(*args: object, **kwargs: object) -> tempfile.SpooledTemporaryFile[bytes]:
        spool = real(*args, **kwargs)  # type: ignore[call-overload]
        opened.append(spool)
        return spool

    monkeypatch.setattr(replies.tempfile, "SpooledTemporaryFile", recording)
    make_provider(reply_of(noisy_jpeg_b64())).submit(BODY)
    with pytest.raises(ProviderError):  # parsed, but not an object
        make_provider(httpx.Response(200, content=b"[" + b"1," * 300_000 + b"1]")).submit(BODY)
    content = reply_of(tiny_jpeg_b64()).content
    with pytest.raises(ProviderError):  # cut midway
        make_provider(streamed([content[:10], content[10:]], fail_after=1)).submit(BODY)
    assert len(opened) == 3
    assert all(spool.closed for spool in opened)


@pytest.mark.parametrize("bad", ["é" * 8, "aGVsbG8", "aGV sbG8=", "=aGVsbG8", "aGVsbG8=x"])
def test_invalid_base64_is_refused(bad: str) -> None:
    with pytest.raises(ProviderError) as caught:
        decode_b64(bad, provider="ark")
    assert caught.value.kind is Kind.MALFORMED_RESPONSE
