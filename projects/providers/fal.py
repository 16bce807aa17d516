"""fal.ai queue API serving the Seedream models of the table (catalog `fal_*` fields).

Contract: shared/providers/seedream-api.md §2 and research §2. Submit `POST {queue}/{endpoint}`
with `Authorization: Key <FAL_KEY>`, the endpoint being the model's text-to-image id, or its edit
id when there are references (in `image_urls`). The newer versions live in fal's partner
namespace without `fal-ai/` (`bytedance/seedream/v5.5/text-to-image`), so endpoints are the
exact ids of the table, never built from a prefix. The provider's model (FAL_MODEL, a brand
override, or the generation's model) picks the endpoint; a model id the table cannot place is
taken as an endpoint root, as FAL_MODEL was before the table. The reply gives `request_id`,
`status_url` and `response_url`. Poll `status_url` until `COMPLETED` (there is no FAILED status:
a failed request completes and its result is the error), then GET `response_url`. We always use
the URLs fal returns (the doc warns they are not the submit path), and only when they are on the
queue's own origin, so the key is never sent anywhere else.

Sizes (`image_size` is an enum or `{width, height}`): `WxH` -> `{"width": W, "height": H}`; each
model's presets map through its `fal_sizes` (v4 `auto_2K`/`auto_4K` and an explicit 1K square,
since fal has no `auto_1K` for v4; 5.5 `auto_1K`/`auto_1.5K`/`auto_2K`; explicit squares where
fal documents no enum).

Groups: `max_images` only for the models that make groups, capped at 6 by fal; `num_images`
(separate generations) is always 1. `background` and `output_format` only where fal documents
them (5.5). `response_format: "b64_json"` maps to `sync_mode: true` (outputs come back as data
URIs and are not kept in fal's request history); `"url"` outputs are downloaded at once.
`watermark` has no fal field. `enable_safety_checker` is always sent as true: fal checks
unauthorised accounts anyway.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from projects.providers.base import (
    GenerationSpec,
    ImageCallback,
    InvalidSpec,
    OutputImage,
    ProviderError,
    ProviderErrorKind,
    ProviderResult,
)
from projects.providers.catalog import (
    DEFAULT_MODEL_ID,
    ModelCapabilities,
    UnknownModel,
    model_capabilities,
    resolve_model,
)
from projects.providers.errors import error_details, error_from_details, malformed
from projects.providers.hosted import Downloader, HostedProvider, capabilities_for
from projects.providers.model_rules import effective_output_format, validate_for_model

DEFAULT_QUEUE_URL = "https://queue.fal.run"
DEFAULT_MODEL = "fal-ai/bytedance/seedream/v4"
WAITING_STATUSES = frozenset({"IN_QUEUE", "IN_PROGRESS"})

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueHandle:
    """The submit reply: where to poll, where to fetch the result, where to cancel."""

    request_id: str
    status_url: str
    response_url: str
    cancel_url: str = ""


def fal_image_size(size: str, model: ModelCapabilities | None = None) -> str | dict[str, int]:
    """Seedream `size` -> fal `image_size`: the model's preset mapping (catalog `fal_sizes`), or
    `{width, height}` for pixels."""
    sizes = (model or model_capabilities(DEFAULT_MODEL_ID)).fal_sizes
    if size in sizes:
        preset = sizes[size]
        return preset if isinstance(preset, str) else dict(preset)
    width, _, height = size.partition("x")
    return {"width": int(width), "height": int(height)}


class FalProvider(HostedProvider):
    """Seedream 4.0 through fal's queue: submit, poll (bounded), fetch the result."""

    name = "fal"
    key_setting = "FAL_KEY"
    # Each queue call is short; the wait for the image is bounded by `deadline`, not by a read.
    default_read_timeout = 120.0

    def __init__(
        self,
        *,
        api_key: str = "",
        base_url: str = DEFAULT_QUEUE_URL,
        model: str = DEFAULT_MODEL,
        client: httpx.Client | None = None,
        downloader: Downloader | None = None,
        read_timeout: float | None = None,
        poll_interval: float = 0.5,
        deadline: float = 600.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            model=model.strip("/"),
            client=client,
            downloader=downloader,
            read_timeout=read_timeout,
        )
        self.poll_interval = poll_interval
        self.deadline = deadline
        self._sleep = sleep
        self._clock = clock

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self.api_key}"}

    def capabilities(self, spec: GenerationSpec) -> ModelCapabilities:
        return capabilities_for(spec, default_model=self.default_model, provider=self.name)

    def validate(self, spec: GenerationSpec) -> None:
        """The model's limits with fal's group cap of 6, and an endpoint for the mode."""
        if spec.model and spec.model != self.default_model:
            # The endpoint comes from the provider's model, so a spec for another would be sent
            # to the wrong endpoint: build the provider with the model instead.
            raise InvalidSpec(
                "model",
                f"fal picks the model by its endpoint ({self.default_model}, from FAL_MODEL or "
                f"the request's model); got {spec.model!r}",
                provider=self.name,
            )
        model = self.capabilities(spec)
        validate_for_model(spec, model, provider=self.name, max_outputs=model.fal_max_outputs)
        if spec.size in model.size_presets and spec.size not in model.fal_sizes:
            raise InvalidSpec(
                "size",
                f"fal has no {spec.size} size for {model.label}; give pixels instead",
                provider=self.name,
            )
        if spec.references and not model.fal_edit:
            raise InvalidSpec(
                "references",
                f"fal has no edit endpoint for {model.label} that Brandkit can confirm; use "
                "ModelArk for edits with it, or another model on fal",
                provider=self.name,
            )
        if spec.background and not model.fal_background:
            raise InvalidSpec(
                "background",
                f"fal does not document a background option for {model.label}; use ModelArk",
                provider=self.name,
            )

    def build_payload(self, spec: GenerationSpec) -> dict[str, Any]:
        """The exact input JSON to submit, references still as pointers (pure). The endpoint is
        not in it: it follows from the generation's model (`endpoint_url`)."""
        self.validate(spec)
        model = self.capabilities(spec)
        body: dict[str, Any] = {"prompt": spec.prompt}
        if spec.references:
            body["image_urls"] = list(spec.references)
        body["image_size"] = fal_image_size(spec.size, model)
        body["num_images"] = 1
        if model.fal_group:
            body["max_images"] = spec.max_images
        if spec.seed is not None and spec.seed >= 0:  # -1 means random in Seedream's terms
            body["seed"] = spec.seed
        if model.fal_background:
            output_format = effective_output_format(spec, model)
            if output_format:
                body["output_format"] = output_format
            if spec.background:
                body["background"] = spec.background
        body["sync_mode"] = spec.response_format == "b64_json"
        body["enable_safety_checker"] = True
        return body

    def endpoint_url(self, body: Mapping[str, Any]) -> str:
        """The endpoint of this provider's model (the generation's) for the body's mode. A model
        id the table does not place is taken as an endpoint root, as FAL_MODEL was before."""
        is_edit = bool(body.get("image_urls"))
        try:
            model = resolve_model(self.default_model)
        except UnknownModel:
            return f"{self.base_url}/{self.default_model}/{'edit' if is_edit else 'text-to-image'}"
        endpoint = model.fal_edit if is_edit else model.fal_text_to_image
        if not endpoint:
            raise InvalidSpec(
                "references",
                f"fal has no edit endpoint for {model.label}",
                provider=self.name,
            )
        return f"{self.base_url}/{endpoint}"

    def submit(
        self, body: Mapping[str, Any], on_image: ImageCallback | None = None
    ) -> ProviderResult:
        """Submit once, wait for completion within `deadline`, fetch and parse the result."""
        self.ensure_resolved(body)
        response = self.request("POST", self.endpoint_url(body), json=dict(body), is_submit=True)
        handle = self.queue_handle(self.read_json(response))
        self.wait(handle)
        # A sync_mode result carries its images as data URIs: decoded inside the reply's slot.
        with self.json_reply("GET", handle.response_url, is_submit=True) as (_, payload):
            return self.parse_result(payload, request_id=handle.request_id)

    def queue_handle(self, reply: Mapping[str, Any]) -> QueueHandle:
        """Read the submit reply, refusing URLs off the queue's origin (they would get our key)."""
        request_id = reply.get("request_id")
        status_url, response_url = reply.get("status_url"), reply.get("response_url")
        cancel_url = reply.get("cancel_url") or ""
        if not (isinstance(request_id, str) and request_id):
            raise malformed(self.name, "the submit reply has no request_id")
        for url in (status_url, response_url, cancel_url or self.base_url):
            if not isinstance(url, str) or not self.is_queue_origin(url):
                raise malformed(
                    self.name,
                    f"request {request_id}: a queue URL is missing or not on {self.base_url}",
                )
        return QueueHandle(request_id, str(status_url), str(response_url), str(cancel_url))

    def is_queue_origin(self, url: str) -> bool:
        """True when `url` has the queue's scheme, host and port (a bad URL is simply False)."""
        try:
            mine, theirs = urllib.parse.urlsplit(self.base_url), urllib.parse.urlsplit(url)
            return (mine.scheme, mine.hostname, mine.port) == (
                theirs.scheme,
                theirs.hostname,
                theirs.port,
            )
        except ValueError:
            return False

    def wait(self, handle: QueueHandle) -> None:
        """Poll until COMPLETED. Transient poll failures are retried (a GET is safe) until the
        deadline; past it the request is cancelled (best effort) and UNAVAILABLE is raised."""
        give_up_at = self._clock() + self.deadline
        while True:
            status = self.poll(handle)
            if status == "COMPLETED":
                return
            if status is not None and status not in WAITING_STATUSES:
                raise malformed(
                    self.name, f"request {handle.request_id}: unknown status {status!r}"
                )
            if self._clock() + self.poll_interval > give_up_at:
                self.cancel(handle)
                raise ProviderError(
                    ProviderErrorKind.UNAVAILABLE,
                    f"{self.name}: request {handle.request_id} did not finish within "
                    f"{self.deadline:g} s; cancellation was requested",
                    provider=self.name,
                    code="deadline_exceeded",
                    may_have_billed=True,
                )
            self._sleep(self.poll_interval)

    def poll(self, handle: QueueHandle) -> str | None:
        """The queue status, or None after a transient failure (the caller polls again)."""
        try:
            reply = self.read_json(self.request("GET", handle.status_url, is_submit=True))
        except ProviderError as error:
            if error.is_retryable:
                return None
            raise
        return str(reply.get("status") or "")

    def cancel(self, handle: QueueHandle) -> None:
        if not handle.cancel_url:
            return
        try:
            self.request("PUT", handle.cancel_url)
        except ProviderError as error:
            # Best effort: the deadline error that follows is what the caller needs to see.
            logger.info("fal request %s not cancelled: %s", handle.request_id, error.message)

    def parse_result(self, payload: Mapping[str, Any], *, request_id: str) -> ProviderResult:
        """`{"images": [{"url": ...}], "seed": ...}` to a ProviderResult; fal bills each image."""
        images = payload.get("images")
        if not isinstance(images, list):
            details = error_details(payload)
            if details.message:
                raise error_from_details(details, provider=self.name, secrets=self.secrets)
            raise malformed(self.name, f"request {request_id}: the result has no `images` list")
        return ProviderResult(
            provider=self.name,
            model=self.default_model,
            images=self.outputs(images, self.parse_image),
            request_id=request_id,
            billed_images=len(images),
            raw=self.record(payload),
        )

    def parse_image(self, index: int, item: Any) -> OutputImage:
        url = item.get("url") if isinstance(item, Mapping) else None
        if not isinstance(url, str) or not url:
            return OutputImage(index=index, error=malformed(self.name, f"image {index} has no url"))
        return self.output_from_url(index, url)
