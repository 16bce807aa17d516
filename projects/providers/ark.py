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

from projects.providers.ark_bodies import ark_body
from projects.providers.base import GenerationSpec, OutputImage, ProviderResult
from projects.providers.catalog import ModelCapabilities
from projects.providers.errors import error_details, error_from_details, malformed
from projects.providers.hosted import Downloader, HostedProvider, capabilities_for
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
        )

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
