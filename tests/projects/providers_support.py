"""Helpers for the provider unit tests: a recording MockTransport, fixtures, tiny images."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image

from projects.providers.base import GenerationSpec
from projects.providers.outputs import VerifiedImage, verify_image
from tests.contract.fake_replies import load_fixture

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def tiny_jpeg(color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "JPEG")
    return buffer.getvalue()


def tiny_jpeg_b64() -> str:
    return base64.b64encode(tiny_jpeg()).decode()


def data_uri(data: bytes, fmt: str = "jpeg") -> str:
    return f"data:image/{fmt};base64,{base64.b64encode(data).decode()}"


@dataclass
class MockProvider:
    """An httpx MockTransport that replays `replies` in order and records each request."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        return reply

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def bodies(self) -> list[Any]:
        return [
            json.loads(request.content) if request.content else None for request in self.requests
        ]


def json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


@dataclass
class RecordingDownloader:
    """Stands in for downloads.download_image: records URLs, returns a tiny JPEG."""

    urls: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> VerifiedImage:
        self.urls.append(url)
        return verify_image(tiny_jpeg())


def spec_from_fixture(fixture: dict[str, Any]) -> GenerationSpec:
    fields = dict(fixture["spec"])
    fields["references"] = tuple(fields.get("references", ()))
    return GenerationSpec(**fields)


def fixture(vendor: str, name: str) -> dict[str, Any]:
    return load_fixture(vendor, name)
