"""BytePlus ModelArk / Volcengine Ark: every Seedream model of the table, from the first party.

Contract: shared/providers/seedream-api.md §1. `POST {base}/images/generations`, Bearer key, one
synchronous reply (a 15-image group can take minutes: hence the 600 s read timeout, the Ark SDK
default). Reference images go in `image`: a string for one reference (the doc's single-image
edit form), a list for several (the doc's multi-reference example). The reply's `data[]` holds an
image (`url` or `b64_json`) or an `error` per item, and `usage.generated_images` is what is billed.

Groups of the models that stream (4.0, 4.5, 5.0 Lite) are sent with `"stream": true` (unless
ARK_STREAM_GROUPS is off): `submit_streamed` reads the Server-Sent Events (ark_stream.py), feeds
each partial event to `parse_item` (what a `data[]` item holds), hands each image to the
caller's `on_image` as it arrives, and takes `usage` from `image_generation.completed`. Every
other body is one JSON reply. Which keys each model takes is in ark_bodies.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings

from projects.providers.ark_bodies import ark_body
from projects.providers.ark_stream import (
    COMPLETED,
    DONE,
    PARTIAL_FAILED,
    PARTIAL_SUCCEEDED,
    sse_events,
)
from projects.providers.base import (
    GenerationSpec,
    ImageCallback,
    OutputImage,
    ProviderError,
    ProviderErrorKind,
    ProviderResult,
)
from projects.providers.catalog import ModelCapabilities
from projects.providers.errors import error_details, error_from_details, malformed
from projects.providers.hosted import Downloader, HostedProvider, capabilities_for
from projects.providers.http import HTTPX_ERRORS, error_from_response, error_from_transport
from projects.providers.model_rules import validate_for_model

DEFAULT_BASE_URL = "https://ark.ap-southeast.bytepluses.com/api/v3"
DEFAULT_MODEL = "seedream-4-0-250828"
GENERATIONS_PATH = "/images/generations"


class ArkProvider(HostedProvider):
    """Seedream 4.0 on ModelArk (BytePlus) or Ark (Volcengine): set `base_url` and `model`."""

    name = "ark"
    key_setting = "ARK_API_KEY"
    default_read_timeout = 600.0

    def __init__(
        self,
        *,
        api_key: str = "",
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        client: httpx.Client | None = None,
        downloader: Downloader | None = None,
        read_timeout: float | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            model=model,
            client=client,
            downloader=downloader,
            read_timeout=read_timeout,
        )

    # How this transport writes the body (the OpenAI-compatible subclass differs).
    image_as_list = False
    sends_stream = True

    def capabilities(self, spec: GenerationSpec) -> ModelCapabilities:
        """The model table's entry for the spec's model (or its mapping); InvalidSpec naming how
        to map an unknown id."""
        return capabilities_for(spec, default_model=self.default_model, provider=self.name)

    def validate(self, spec: GenerationSpec) -> None:
        """The model's own limits (model_rules, from the catalog); raises InvalidSpec."""
        validate_for_model(spec, self.capabilities(spec), provider=self.name)

    def build_payload(self, spec: GenerationSpec) -> dict[str, Any]:
        """The exact body to POST, references still as pointers (pure; see ark_bodies)."""
        model = self.capabilities(spec)
        validate_for_model(spec, model, provider=self.name)
        return ark_body(
            spec,
            model,
            model_id=spec.model or self.default_model,
            image_as_list=self.image_as_list,
            send_stream=self.sends_stream,
            # Groups stream where the model can (settings.ARK_STREAM_GROUPS): each image is
            # stored and shown as it arrives. One image gains nothing from it.
            stream=spec.max_images > 1 and settings.ARK_STREAM_GROUPS,
        )

    def submit(
        self, body: Mapping[str, Any], on_image: ImageCallback | None = None
    ) -> ProviderResult:
        """POST the resolved body once (never retried here: it may be billed); parse the reply.
        A streamed body (`"stream": true`) hands each image to `on_image` as it arrives."""
        self.ensure_resolved(body)
        if body.get("stream") is True:
            return self.submit_streamed(body, on_image)
        client_request_id = uuid.uuid4().hex
        # The images are decoded inside the block, where the reply's text may be held.
        with self.json_reply(
            "POST",
            f"{self.base_url}{GENERATIONS_PATH}",
            json=dict(body),
            is_submit=True,
            headers={"X-Client-Request-Id": client_request_id},
        ) as (headers, payload):
            request_id = headers.get("x-request-id") or client_request_id
            return self.parse_reply(payload, body=body, request_id=request_id)

    def submit_streamed(
        self, body: Mapping[str, Any], on_image: ImageCallback | None = None
    ) -> ProviderResult:
        """One streamed request: images are parsed (and downloaded) as their events arrive and
        passed to `on_image`. A stream cut midway keeps what arrived; the images it still
        promised are recorded as failed with the reason (the request may have been billed for
        them, so it is never silently re-sent). A cut before any image raises."""
        self.require_key()
        client_request_id = uuid.uuid4().hex
        images: dict[int, OutputImage] = {}
        usage: Mapping[str, Any] | None = None
        cut_reason = ""
        request_id = client_request_id
        headers = {**self.auth_headers(), "X-Client-Request-Id": client_request_id}
        try:
            with self.client.stream(
                "POST", f"{self.base_url}{GENERATIONS_PATH}", json=dict(body), headers=headers
            ) as response:
                if not response.is_success:
                    response.read()
                    raise error_from_response(
                        response, provider=self.name, secrets=self.secrets, is_submit=True
                    )
                request_id = response.headers.get("x-request-id") or client_request_id
                for event in sse_events(response.iter_lines()):
                    if event.type in (PARTIAL_SUCCEEDED, PARTIAL_FAILED):
                        index = self._event_index(event.data, len(images))
                        image = self.parse_item(index, event.data)
                        images[index] = image
                        if on_image is not None and image.is_success:
                            on_image(image)
                    elif event.type == COMPLETED:
                        found = event.data.get("usage") if isinstance(event.data, Mapping) else None
                        usage = found if isinstance(found, Mapping) else {}
                    elif event.type == DONE:
                        break
                    elif isinstance(event.data, Mapping) and isinstance(
                        event.data.get("error"), Mapping
                    ):
                        raise error_from_details(
                            error_details(event.data),
                            provider=self.name,
                            secrets=self.secrets,
                            may_have_billed=True,
                        )
        except HTTPX_ERRORS as exc:
            error = error_from_transport(exc, provider=self.name, is_submit=True)
            if not images:
                raise error from exc
            cut_reason = error.message
        if usage is None and not cut_reason:
            cut_reason = "the stream ended before its completed event"
        if not images:
            raise malformed(self.name, f"the stream carried no image ({cut_reason or 'empty'})")
        return ProviderResult(
            provider=self.name,
            model=str(body.get("model") or self.default_model),
            images=self._with_missing(images, body, cut_reason),
            request_id=request_id,
            billed_images=self._streamed_billed(usage, images),
            raw={"stream": True, "usage": dict(usage or {}), "cut": cut_reason},
        )

    @staticmethod
    def _event_index(data: Any, default: int) -> int:
        index = data.get("image_index") if isinstance(data, Mapping) else None
        if isinstance(index, int) and not isinstance(index, bool) and index >= 0:
            return index
        return default

    def _with_missing(
        self, images: dict[int, OutputImage], body: Mapping[str, Any], cut_reason: str
    ) -> tuple[OutputImage, ...]:
        """The received images in order, plus, for a cut stream, a failed entry for each image
        of the group that never arrived (the group size asked is the most it could hold)."""
        received = [images[index] for index in sorted(images)]
        if not cut_reason:
            return tuple(received)
        options = body.get("sequential_image_generation_options")
        asked = options.get("max_images", 1) if isinstance(options, Mapping) else 1
        missing = [index for index in range(int(asked)) if index not in images]
        failed = [
            OutputImage(
                index=index,
                error=ProviderError(
                    ProviderErrorKind.UNAVAILABLE,
                    f"{self.name}: the stream was cut after {len(images)} of up to {asked} "
                    f"images ({cut_reason}); retry only as a new attempt",
                    provider=self.name,
                    code="stream_cut",
                    may_have_billed=True,
                ),
            )
            for index in missing
        ]
        return tuple(sorted([*received, *failed], key=lambda image: image.index))

    @staticmethod
    def _streamed_billed(usage: Mapping[str, Any] | None, images: dict[int, OutputImage]) -> int:
        generated = (usage or {}).get("generated_images")
        if isinstance(generated, int) and not isinstance(generated, bool) and generated >= 0:
            return generated
        return sum(1 for image in images.values() if image.is_success)

    def parse_reply(
        self, payload: Mapping[str, Any], *, body: Mapping[str, Any], request_id: str = ""
    ) -> ProviderResult:
        """A 2xx reply as a result; a top-level `error` raises, item errors stay per image."""
        if isinstance(payload.get("error"), Mapping):
            raise error_from_details(
                error_details(payload),
                provider=self.name,
                secrets=self.secrets,
                may_have_billed=True,
            )
        data = payload.get("data")
        if not isinstance(data, list) or not data:
            raise malformed(self.name, "the reply has no `data` list of images")
        return ProviderResult(
            provider=self.name,
            model=str(payload.get("model") or body.get("model") or self.default_model),
            images=self.outputs(data, self.parse_item),
            request_id=request_id,
            billed_images=self.billed_images(payload, data),
            raw=self.record(payload),
        )

    def parse_item(self, index: int, item: Any) -> OutputImage:
        """One `data[]` item (or one streamed partial event): an image, or the error for it."""
        if not isinstance(item, Mapping):
            return OutputImage(
                index=index, error=malformed(self.name, f"image {index} is not an object")
            )
        if isinstance(item.get("error"), Mapping):
            # Ark bills only generated images, so a failed item was not charged.
            error = error_from_details(
                error_details(item), provider=self.name, secrets=self.secrets
            )
            return OutputImage(index=index, error=error)
        if isinstance(item.get("b64_json"), str) and item["b64_json"]:
            return self.output_from_b64(index, item["b64_json"])
        if isinstance(item.get("url"), str) and item["url"]:
            return self.output_from_url(index, item["url"])
        return OutputImage(
            index=index, error=malformed(self.name, f"image {index} has neither url nor b64_json")
        )

    @staticmethod
    def billed_images(payload: Mapping[str, Any], data: list[Any]) -> int:
        """`usage.generated_images` when present (what Ark bills), else the images returned."""
        usage = payload.get("usage")
        if isinstance(usage, Mapping):
            generated = usage.get("generated_images")
            if isinstance(generated, int) and not isinstance(generated, bool) and generated >= 0:
                return generated
        return sum(1 for item in data if isinstance(item, Mapping) and "error" not in item)
