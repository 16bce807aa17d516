"""BytePlus ModelArk / Volcengine Ark: Seedream 4.0 from the first party.

Contract: shared/providers/seedream-api.md §1. `POST {base}/images/generations`, Bearer key, one
synchronous reply (a 15-image group can take minutes: hence the 600 s read timeout, the Ark SDK
default). Reference images go in `image`: a string for one reference (the doc's single-image
edit form), a list for several (the doc's multi-reference example). The reply's `data[]` holds an
image (`url` or `b64_json`) or an `error` per item, and `usage.generated_images` is what is billed.

Streaming (`"stream": true`, SSE, §1.4) is not implemented: we send `"stream": false`. The reply is
parsed item by item through `parse_item`, which takes exactly what an
`image_generation.partial_succeeded` / `partial_failed` event carries, so a streaming `submit`
would read events with `client.stream(...)`, feed each one to `parse_item` (its `image_index` as
the index) and take `usage` from `image_generation.completed`; nothing else would change.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from projects.providers.base import (
    GenerationSpec,
    OutputImage,
    ProviderResult,
    validate_common,
)
from projects.providers.errors import error_details, error_from_details, malformed
from projects.providers.hosted import Downloader, HostedProvider

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

    def validate(self, spec: GenerationSpec) -> None:
        """The documented Seedream 4.0 limits (base.validate_common); raises InvalidSpec."""
        validate_common(spec, provider=self.name)

    def build_payload(self, spec: GenerationSpec) -> dict[str, Any]:
        """The exact body to POST, references still as pointers (pure)."""
        self.validate(spec)
        body: dict[str, Any] = {"model": spec.model or self.default_model, "prompt": spec.prompt}
        if spec.references:
            body["image"] = self.reference_field(spec.references)
        body["size"] = spec.size
        # "auto" lets the model return a group of up to max_images; "disabled" is exactly one.
        if spec.max_images > 1:
            body["sequential_image_generation"] = "auto"
            body["sequential_image_generation_options"] = {"max_images": spec.max_images}
        else:
            body["sequential_image_generation"] = "disabled"
        body["response_format"] = spec.response_format
        body["watermark"] = spec.watermark
        # No `seed`: the doc lists it only for seedream-3.0-t2i and seededit-3.0-i2i, not for 4.0,
        # and whether 4.0 ignores or rejects it is unconfirmed (§1.2). Sending it could fail the
        # request or imply a reproducibility we cannot promise, so the stored body shows no seed.
        self.add_transport_fields(body)
        return body

    def reference_field(self, references: tuple[str, ...]) -> str | list[str]:
        """`image`: a string for one reference, a list for several (as in the doc's examples)."""
        return references[0] if len(references) == 1 else list(references)

    def add_transport_fields(self, body: dict[str, Any]) -> None:
        # One JSON reply, not Server-Sent Events (see the module docstring).
        body["stream"] = False

    def submit(self, body: Mapping[str, Any]) -> ProviderResult:
        """POST the resolved body once (never retried here: it may be billed); parse the reply."""
        self.ensure_resolved(body)
        client_request_id = uuid.uuid4().hex
        response = self.request(
            "POST",
            f"{self.base_url}{GENERATIONS_PATH}",
            json=dict(body),
            is_submit=True,
            headers={"X-Client-Request-Id": client_request_id},
        )
        request_id = response.headers.get("x-request-id") or client_request_id
        return self.parse_reply(self.read_json(response), body=body, request_id=request_id)

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
