"""What the hosted providers (ark, fal, openai) share: key, client, one guarded request, outputs.

Each adapter subclasses `HostedProvider` and adds its wire format. Everything here keeps two
promises of the package: no httpx exception leaves it (`request` maps them all), and the API key
appears in no message, log line or stored reply (`record` and the error mapping redact it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
from django.core.exceptions import ImproperlyConfigured

from projects.providers.base import (
    REFERENCE_POINTER_PREFIX,
    GenerationSpec,
    InvalidSpec,
    OutputImage,
    ProviderError,
)
from projects.providers.catalog import ModelCapabilities, UnknownModel, resolve_model
from projects.providers.downloads import download_image
from projects.providers.errors import malformed, secrets_of
from projects.providers.http import (
    HTTPX_ERRORS,
    ClientConfig,
    error_from_response,
    error_from_transport,
    parse_json,
    shared_client,
)
from projects.providers.outputs import (
    VerifiedImage,
    decode_b64,
    decode_data_uri,
    scrub,
    strip_query,
)
from projects.providers.replies import (
    ReplyTooLarge,
    SpooledReply,
    parsed_reply,
    read_error_body,
    spool_body,
)

logger = logging.getLogger(__name__)

Downloader = Callable[[str], VerifiedImage]
# Output URLs are fetched in parallel (a group can hold 15 images); a few threads are plenty.
DOWNLOAD_THREADS = 4
# Reference fields of the request bodies, where an unresolved pointer must never reach the wire.
REFERENCE_FIELDS = ("image", "image_urls")


def capabilities_for(
    spec: GenerationSpec, *, default_model: str, provider: str
) -> ModelCapabilities:
    """The model table's entry whose rules apply to the spec: its model's own entry, else the
    one `rules_model` (a brand's mapping) or BRANDKIT_MODEL_MAP names; InvalidSpec otherwise."""
    model_id = spec.model or default_model
    mappings = {model_id: spec.rules_model} if spec.rules_model else None
    try:
        return resolve_model(model_id, mappings)
    except UnknownModel as exc:
        raise InvalidSpec("model", exc.message, provider=provider) from exc


class HostedProvider:
    """Base for providers reached over HTTPS with an API key.

    `client` defaults to the process-wide client for this provider's timeouts; tests inject an
    `httpx.Client(transport=httpx.MockTransport(...))`. `downloader` fetches output URLs (default:
    `downloads.download_image`, SSRF-guarded).
    """

    name = ""
    key_setting = ""  # the environment variable that holds the key, named in errors
    default_read_timeout = 600.0

    def __init__(
        self,
        *,
        api_key: str = "",
        base_url: str,
        model: str,
        client: httpx.Client | None = None,
        downloader: Downloader | None = None,
        read_timeout: float | None = None,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.default_model = model
        self.read_timeout = read_timeout or self.default_read_timeout
        self._client = client
        self._downloader = downloader

    def __repr__(self) -> str:
        # Spelled out so that no default repr can ever show the key.
        return f"{type(self).__name__}(base_url={self.base_url!r}, model={self.default_model!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return secrets_of(self.api_key)

    @property
    def client(self) -> httpx.Client:
        return self._client or shared_client(
            self.name, ClientConfig(read_timeout=self.read_timeout)
        )

    def require_key(self) -> None:
        """Refuse to run without a key, naming the variable to set."""
        if not self.api_key:
            raise ImproperlyConfigured(
                f"{self.key_setting} is not set, so the {self.name} image provider cannot be "
                "used; set it in the environment or choose another provider"
            )

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Mapping[str, Any] | None = None,
        is_submit: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One HTTP call; any failure comes out as a ProviderError, a 2xx as the response."""
        self.require_key()
        started = time.monotonic()
        try:
            response = self.client.request(
                method, url, json=json, headers={**self.auth_headers(), **(headers or {})}
            )
        except HTTPX_ERRORS as exc:
            error = error_from_transport(exc, provider=self.name, is_submit=is_submit)
            logger.warning("%s %s %s failed: %s", self.name, method, url, error.message)
            raise error from exc
        logger.debug(
            "%s %s %s -> HTTP %s in %.2f s",
            self.name,
            method,
            url,
            response.status_code,
            time.monotonic() - started,
        )
        if response.is_success:
            return response
        error = error_from_response(
            response, provider=self.name, secrets=self.secrets, is_submit=is_submit
        )
        logger.info("%s %s %s refused: %s", self.name, method, url, error.message)
        raise error

    @contextmanager
    def json_reply(
        self,
        method: str,
        url: str,
        *,
        json: Mapping[str, Any] | None = None,
        is_submit: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[tuple[httpx.Headers, dict[str, Any]]]:
        """One HTTP call whose 2xx JSON reply may carry images: (headers, payload) for the block.

        Unlike `request`, the body is streamed to a spooled temp file under a byte cap
        (replies.py) and a large one is parsed only inside a reply slot, held for the block: parse
        the images inside it and let the payload go at its end.
        """
        reply, response_headers = self._spooled(
            method, url, json=json, is_submit=is_submit, headers=headers
        )
        with parsed_reply(reply, provider=self.name, is_submit=is_submit) as payload:
            yield response_headers, payload

    def _spooled(
        self,
        method: str,
        url: str,
        *,
        json: Mapping[str, Any] | None,
        is_submit: bool,
        headers: Mapping[str, str] | None,
    ) -> tuple[SpooledReply, httpx.Headers]:
        self.require_key()
        started = time.monotonic()
        error: ProviderError | None = None
        try:
            with self.client.stream(
                method, url, json=json, headers={**self.auth_headers(), **(headers or {})}
            ) as response:
                if response.is_success:
                    reply = spool_body(response)
                    response_headers = response.headers
                else:
                    error = error_from_response(
                        read_error_body(response),
                        provider=self.name,
                        secrets=self.secrets,
                        is_submit=is_submit,
                    )
        except HTTPX_ERRORS as exc:
            error = error_from_transport(exc, provider=self.name, is_submit=is_submit)
            logger.warning("%s %s %s failed: %s", self.name, method, url, error.message)
            raise error from exc
        except ReplyTooLarge as exc:
            raise malformed(self.name, str(exc), may_have_billed=is_submit) from exc
        if error is not None:
            logger.info("%s %s %s refused: %s", self.name, method, url, error.message)
            raise error
        logger.debug(
            "%s %s %s -> %s bytes in %.2f s",
            self.name,
            method,
            url,
            reply.size,
            time.monotonic() - started,
        )
        return reply, response_headers

    def read_json(self, response: httpx.Response, *, is_submit: bool = True) -> dict[str, Any]:
        """The JSON object of a 2xx reply, or MALFORMED_RESPONSE."""
        payload = parse_json(response)
        if not isinstance(payload, dict):
            raise malformed(self.name, "the reply is not a JSON object", may_have_billed=is_submit)
        return payload

    def ensure_resolved(self, body: Mapping[str, Any]) -> None:
        """Refuse a body whose references are still `sha256:` pointers (meaningless upstream)."""
        for field in REFERENCE_FIELDS:
            value = body.get(field)
            values = [value] if isinstance(value, str) else list(value or ())
            if any(str(item).startswith(REFERENCE_POINTER_PREFIX) for item in values):
                raise InvalidSpec(
                    "references",
                    f"{field} still holds a stored-image pointer; resolve references before "
                    "submitting",
                    provider=self.name,
                )

    def download(self, url: str) -> VerifiedImage:
        if self._downloader is not None:
            return self._downloader(url)
        return download_image(url, provider=self.name)

    def output_from_b64(self, index: int, data: str) -> OutputImage:
        try:
            image = decode_b64(data, provider=self.name)
        except ProviderError as error:
            return OutputImage(index=index, error=error)
        return OutputImage(
            index=index, data=image.data, content_type=image.content_type, thumbnail=image.thumbnail
        )

    def output_from_url(self, index: int, url: str) -> OutputImage:
        """Fetch a URL output now (it expires); a failure becomes this image's error."""
        is_data_uri = url.startswith("data:")
        source_url = "" if is_data_uri else strip_query(url)
        try:
            image = decode_data_uri(url, provider=self.name) if is_data_uri else self.download(url)
        except ProviderError as error:
            logger.info("%s output %d not stored: %s", self.name, index, error.message)
            return OutputImage(index=index, source_url=source_url, error=error)
        return OutputImage(
            index=index,
            data=image.data,
            content_type=image.content_type,
            source_url=source_url,
            thumbnail=image.thumbnail,
        )

    def outputs(
        self, items: Sequence[Any], parse: Callable[[int, Any], OutputImage]
    ) -> tuple[OutputImage, ...]:
        """parse(index, item) for every item, in parallel threads when there are several."""
        if len(items) <= 1:
            return tuple(parse(index, item) for index, item in enumerate(items))
        with ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS) as pool:
            return tuple(pool.map(parse, range(len(items)), items))

    def record(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The reply as it may be stored: image bytes, signed queries and secrets removed."""
        return scrub(dict(payload), self.secrets)
