"""The one interface every Seedream provider implements, and the values that cross it.

Providers know no database. They take a provider-neutral `GenerationSpec`, build the exact JSON body
they would send (pure, with reference images as content-addressed pointers), submit a resolved body,
and return a `ProviderResult` or raise a `ProviderError` from the small taxonomy below. No httpx
exception leaves the `projects.providers` package.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

# Seedream 4.0 limits (../shared/providers/seedream-api.md §1.2), kept for the local renderer,
# which imitates 4.0. The hosted providers take every limit from the model table (catalog.py,
# checked by model_rules.py).
MAX_REFERENCES = 10
MAX_REFERENCES_PLUS_OUTPUTS = 15
MAX_GROUP_IMAGES = 15
SIZE_PRESETS = ("1K", "2K", "4K")
MIN_PIXELS = 1280 * 720
MAX_PIXELS = 4096 * 4096
MIN_ASPECT = 1 / 16
MAX_ASPECT = 16
SIZE_PATTERN = re.compile(r"^(?P<width>[1-9][0-9]{1,4})x(?P<height>[1-9][0-9]{1,4})$")

# A reference image inside a *stored* payload: the sha256 of an immutable stored file, written where
# the wire body carries a data URI (or a URL we minted for those bytes). See references.py.
REFERENCE_POINTER_PREFIX = "sha256:"

ResponseFormat = Literal["url", "b64_json"]


class GenerationMode(enum.StrEnum):
    TEXT_TO_IMAGE = "text_to_image"
    EDIT = "edit"
    GROUP = "group"


@dataclass(frozen=True)
class GenerationSpec:
    """What the user asked for, in no provider's words.

    `references` holds, in order, either pointers (`"sha256:<hex>"`, a stored file) or `https://`
    URLs passed through untouched. `max_images` above 1 asks for a group (a consistent set).
    `output_format` and `background` are empty for the model's default. `rules_model` is the
    model-table id whose rules apply when `model` is not in the table itself (an `ep-...` id a
    brand mapped); empty otherwise.
    """

    prompt: str
    model: str = ""
    references: tuple[str, ...] = ()
    size: str = "2K"
    max_images: int = 1
    response_format: ResponseFormat = "b64_json"
    watermark: bool = True
    seed: int | None = None
    output_format: str = ""
    background: str = ""
    rules_model: str = ""

    @property
    def mode(self) -> GenerationMode:
        if self.max_images > 1:
            return GenerationMode.GROUP
        if self.references:
            return GenerationMode.EDIT
        return GenerationMode.TEXT_TO_IMAGE


class ProviderErrorKind(enum.StrEnum):
    AUTHENTICATION = "authentication"  # bad or missing key, no permission, model not enabled
    BILLING = "billing"  # account in arrears, quota spent
    INVALID_PARAMETER = "invalid_parameter"
    CONTENT_POLICY = "content_policy"  # input or output refused by moderation
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"  # 5xx, timeouts, connection failures
    MALFORMED_RESPONSE = "malformed_response"


RETRYABLE_KINDS = frozenset({ProviderErrorKind.RATE_LIMITED, ProviderErrorKind.UNAVAILABLE})


class ProviderError(Exception):
    """A normalised provider failure with a message fit to show a user.

    The message never contains an API key or an auth header. `retry_after` is the delay in seconds
    the provider asked for (Retry-After), when it gave one. `may_have_billed` is True when the
    request may have reached the provider and been charged (a read timeout, a dropped connection
    after the body was sent), so a retry must be recorded as a new attempt, never silent.
    """

    def __init__(
        self,
        kind: ProviderErrorKind,
        message: str,
        *,
        provider: str = "",
        code: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
        may_have_billed: bool = False,
        field: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.provider = provider
        self.code = code
        self.http_status = http_status
        self.retry_after = retry_after
        self.may_have_billed = may_have_billed
        self.field = field

    @property
    def is_retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS

    def __repr__(self) -> str:
        return f"ProviderError({self.kind.value!r}, {self.message!r}, code={self.code!r})"


class InvalidSpec(ProviderError):
    """The request breaks a documented limit; raised before any network call, naming the field."""

    def __init__(self, field: str, message: str, *, provider: str = "") -> None:
        super().__init__(
            ProviderErrorKind.INVALID_PARAMETER, message, provider=provider, field=field
        )


@dataclass(frozen=True)
class OutputImage:
    """One image of a result: its bytes (downloaded at once if the provider gave a URL) or the
    error that replaced it in a partially successful group."""

    index: int
    data: bytes | None = None
    content_type: str = "image/jpeg"
    source_url: str = ""
    error: ProviderError | None = None
    # The stored thumbnail, when the provider layer made it while verifying the bytes; empty
    # means storage makes it (the local renderer's outputs).
    thumbnail: bytes = b""

    @property
    def is_success(self) -> bool:
        return self.data is not None and self.error is None


@dataclass(frozen=True)
class ProviderResult:
    """The normalised outcome of one submitted request.

    `raw` is the provider's reply with image bytes (b64_json) removed, kept for the record.
    `billed_images` is what the provider charges for (Ark `usage.generated_images`, otherwise the
    number of images returned).
    """

    provider: str
    model: str
    images: tuple[OutputImage, ...]
    request_id: str = ""
    billed_images: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> tuple[OutputImage, ...]:
        return tuple(image for image in self.images if image.is_success)

    @property
    def failed(self) -> tuple[OutputImage, ...]:
        return tuple(image for image in self.images if not image.is_success)


# Called with each image as it arrives, for providers that stream (Ark groups); others ignore it.
ImageCallback = Callable[[OutputImage], None]


class ImageProvider(Protocol):
    """One Seedream 4.0 provider.

    `build_payload` is pure: the exact JSON body to send, with references still as pointers, after
    `validate` has refused anything outside the documented limits. `submit` takes the body with its
    references resolved (see references.py) and talks to the network (except `local`).
    """

    name: str
    default_model: str

    def validate(self, spec: GenerationSpec) -> None: ...

    def build_payload(self, spec: GenerationSpec) -> dict[str, Any]: ...

    def submit(
        self, body: Mapping[str, Any], on_image: ImageCallback | None = None
    ) -> ProviderResult: ...


def parse_size(size: str, *, provider: str = "") -> tuple[int, int] | None:
    """Check a Seedream `size` and return (width, height), or None for a 1K/2K/4K preset."""
    if size in SIZE_PRESETS:
        return None
    match = SIZE_PATTERN.match(size)
    if not match:
        raise InvalidSpec(
            "size",
            f"size must be one of {', '.join(SIZE_PRESETS)} or WIDTHxHEIGHT, got {size!r}",
            provider=provider,
        )
    width, height = int(match["width"]), int(match["height"])
    pixels = width * height
    if not MIN_PIXELS <= pixels <= MAX_PIXELS:
        raise InvalidSpec(
            "size",
            f"size {size} has {pixels:,} pixels; Seedream 4.0 needs between {MIN_PIXELS:,} "
            f"(1280x720) and {MAX_PIXELS:,} (4096x4096)",
            provider=provider,
        )
    if not MIN_ASPECT <= width / height <= MAX_ASPECT:
        raise InvalidSpec(
            "size",
            f"size {size} has aspect ratio {width / height:.3g}; Seedream 4.0 allows 1/16 to 16",
            provider=provider,
        )
    return width, height


PRESET_DIMENSIONS = {"1K": (1024, 1024), "2K": (2048, 2048), "4K": (4096, 4096)}


def size_dimensions(size: str) -> tuple[int, int]:
    """Pixel dimensions for a size; presets map to their square (the model may choose otherwise)."""
    return parse_size(size) or PRESET_DIMENSIONS[size]


def validate_common(
    spec: GenerationSpec,
    *,
    provider: str,
    max_references: int = MAX_REFERENCES,
    max_images: int = MAX_GROUP_IMAGES,
) -> None:
    """The checks every provider shares; each raises InvalidSpec naming the field and the limit."""
    if not spec.prompt or not spec.prompt.strip():
        raise InvalidSpec(
            "prompt", "prompt is empty; describe the image to make", provider=provider
        )
    parse_size(spec.size, provider=provider)
    if len(spec.references) > max_references:
        raise InvalidSpec(
            "references",
            f"{len(spec.references)} reference images given; {provider} takes at most "
            f"{max_references}",
            provider=provider,
        )
    if not 1 <= spec.max_images <= max_images:
        raise InvalidSpec(
            "max_images",
            f"max_images must be between 1 and {max_images} for {provider}, got {spec.max_images}",
            provider=provider,
        )
    if spec.max_images > 1 and len(spec.references) + spec.max_images > MAX_REFERENCES_PLUS_OUTPUTS:
        raise InvalidSpec(
            "max_images",
            f"{len(spec.references)} references + {spec.max_images} images = "
            f"{len(spec.references) + spec.max_images}; Seedream 4.0 allows at most "
            f"{MAX_REFERENCES_PLUS_OUTPUTS} in total",
            provider=provider,
        )
    if spec.response_format not in ("url", "b64_json"):
        raise InvalidSpec(
            "response_format",
            f"response_format must be url or b64_json, got {spec.response_format!r}",
            provider=provider,
        )
    for reference in spec.references:
        if not (
            reference.startswith(REFERENCE_POINTER_PREFIX)
            or reference.startswith("https://")
            or reference.startswith("http://")
        ):
            raise InvalidSpec(
                "references",
                f"each reference must be a stored image or an http(s) URL, got {reference[:40]!r}",
                provider=provider,
            )
    if spec.seed is not None and not -1 <= spec.seed <= 2_147_483_647:
        raise InvalidSpec(
            "seed", f"seed must be between -1 and 2147483647, got {spec.seed}", provider=provider
        )
