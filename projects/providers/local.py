"""The local renderer: an offline, deterministic stand-in for Seedream 4.0.

It speaks the Ark request body (`model`, `prompt`, `image`, `size`, `sequential_image_generation`,
`sequential_image_generation_options.max_images`, `response_format`, `watermark`, `seed`) and
answers with JPEG images drawn by Pillow. It never touches the network, so it is the default when
no provider key is configured and the provider that tests and the embedded mode use.

Determinism: every random choice comes from the sha256 of the canonical JSON body, and JPEG is
encoded with fixed settings and no metadata, so the same body always gives the same bytes. Every
image carries a "LOCAL PREVIEW - not Seedream" banner: it is a preview, never model output.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from projects.providers import local_art, local_drawing
from projects.providers.base import (
    MAX_GROUP_IMAGES,
    MAX_REFERENCES,
    MAX_REFERENCES_PLUS_OUTPUTS,
    REFERENCE_POINTER_PREFIX,
    GenerationSpec,
    ImageCallback,
    InvalidSpec,
    OutputImage,
    ProviderResult,
    size_dimensions,
    validate_common,
)
from projects.providers.references import decode_data_uri

PROVIDER_NAME = "local"
DEFAULT_MODEL = "brandkit-local-preview-1"
# Ark's own limit for an input image (Oct-2025 doc): at most 6000x6000 pixels, sides over 14 px.
MAX_REFERENCE_PIXELS = 6000 * 6000
MIN_REFERENCE_SIDE = 15
ACCEPTED_REFERENCE_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})


@dataclass(frozen=True)
class LocalRequest:
    """A checked Ark-shaped body: everything the renderer needs, references still undecoded."""

    model: str
    prompt: str
    width: int
    height: int
    count: int
    references: tuple[bytes, ...]
    response_format: str
    watermark: bool
    digest: bytes


def body_digest(body: Mapping[str, Any]) -> bytes:
    """sha256 of the canonical JSON body: the seed of every random choice the renderer makes."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def _invalid(field: str, message: str) -> InvalidSpec:
    return InvalidSpec(field, message, provider=PROVIDER_NAME)


def _refuse_url(value: str) -> None:
    if value.startswith(("http://", "https://")):
        raise _invalid(
            "references",
            f"the local renderer works offline and cannot fetch {value[:60]!r}; "
            "use a reference file instead",
        )


def _reference_bytes(value: object) -> bytes:
    """The bytes of one `image` entry, which must be an embedded data URI."""
    if not isinstance(value, str):
        raise _invalid("references", f"each image must be a string, got {type(value).__name__}")
    _refuse_url(value)
    if value.startswith(REFERENCE_POINTER_PREFIX):
        raise _invalid(
            "references",
            f"reference {value[:20]}... is still a pointer; resolve the payload "
            "(references.resolve_payload) before submitting it",
        )
    return decode_data_uri(value)[1]


def _parse_count(body: Mapping[str, Any], reference_count: int) -> int:
    mode = body.get("sequential_image_generation", "disabled")
    if mode == "disabled":
        return 1
    if mode != "auto":
        raise _invalid(
            "sequential_image_generation",
            f"sequential_image_generation must be auto or disabled, got {mode!r}",
        )
    options = body.get("sequential_image_generation_options") or {}
    count = options.get("max_images", MAX_GROUP_IMAGES) if isinstance(options, Mapping) else None
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_GROUP_IMAGES:
        raise _invalid("max_images", f"max_images must be 1 to {MAX_GROUP_IMAGES}, got {count!r}")
    if reference_count + count > MAX_REFERENCES_PLUS_OUTPUTS:
        raise _invalid(
            "max_images",
            f"{reference_count} references + {count} images exceeds "
            f"{MAX_REFERENCES_PLUS_OUTPUTS} in total",
        )
    return count


def parse_body(body: Mapping[str, Any]) -> LocalRequest:
    """Check an Ark-shaped body as Ark would; InvalidSpec (naming the field) if anything is off."""
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise _invalid("prompt", "prompt is empty; describe the image to make")
    size = body.get("size", "2048x2048")
    if not isinstance(size, str):
        raise _invalid("size", f"size must be a string, got {size!r}")
    width, height = size_dimensions_checked(size)
    images = body.get("image") or []
    entries: Sequence[object] = [images] if isinstance(images, str) else images
    if not isinstance(entries, list) or len(entries) > MAX_REFERENCES:
        raise _invalid(
            "references", f"image must be a string or a list of at most {MAX_REFERENCES}"
        )
    references = tuple(_reference_bytes(entry) for entry in entries)
    response_format = body.get("response_format", "url")
    if response_format not in ("url", "b64_json"):
        raise _invalid(
            "response_format", f"response_format must be url or b64_json, got {response_format!r}"
        )
    watermark = body.get("watermark", True)
    if not isinstance(watermark, bool):
        raise _invalid("watermark", f"watermark must be true or false, got {watermark!r}")
    seed = body.get("seed")
    if seed is not None and (type(seed) is not int or not -1 <= seed <= 2_147_483_647):
        raise _invalid("seed", f"seed must be between -1 and 2147483647, got {seed!r}")
    return LocalRequest(
        model=str(body.get("model") or DEFAULT_MODEL),
        prompt=prompt,
        width=width,
        height=height,
        count=_parse_count(body, len(references)),
        references=references,
        response_format=response_format,
        watermark=watermark,
        digest=body_digest(body),
    )


def size_dimensions_checked(size: str) -> tuple[int, int]:
    """Pixel dimensions of a size, raising InvalidSpec with the local provider's name."""
    try:
        return size_dimensions(size)
    except InvalidSpec as error:
        raise _invalid("size", error.message) from error


def decode_reference(data: bytes, number: int) -> Image.Image:
    """One reference decoded to RGB (transparency flattened onto white); InvalidSpec if it is
    not a PNG, JPEG or WebP image within Ark's input limits."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_REFERENCE_FORMATS:
            raise _invalid("references", f"reference {number} is {image.format}, not PNG/JPEG/WebP")
        if (
            image.width * image.height > MAX_REFERENCE_PIXELS
            or min(image.size) < MIN_REFERENCE_SIDE
        ):
            raise _invalid(
                "references",
                f"reference {number} is {image.width}x{image.height}; it must be at least "
                f"{MIN_REFERENCE_SIDE} px a side and at most 6000x6000 pixels",
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise _invalid(
            "references", f"reference {number} is not a readable image: {error}"
        ) from error
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        canvas = Image.new("RGBA", image.size, (255, 255, 255, 255))
        canvas.alpha_composite(image.convert("RGBA"))
        image = canvas
    return image.convert("RGB")


def render_image(
    request: LocalRequest,
    references: Sequence[Image.Image],
    index: int,
    *,
    is_labelled: bool = True,
) -> Image.Image:
    """Image `index` of a request, at its exact size. `is_labelled=False` exists for tests that
    check the banner; submit always labels."""
    root = local_drawing.HashStream(request.digest)
    look, variant = root.child("look"), root.child(f"variant-{index}")
    palette = local_drawing.build_palette(request.prompt, root.child("palette"))
    final_size = (request.width, request.height)
    if references:
        size = local_art.working_size(*final_size, local_art.EDIT_LONG_SIDE)
        art = local_art.compose_edit(size, palette, references, request.prompt, look, variant)
    else:
        size = local_art.working_size(*final_size, local_art.ART_LONG_SIDE)
        art = local_art.compose_text_to_image(size, palette, look, variant)
    image = art if art.size == final_size else art.resize(final_size, Image.Resampling.BICUBIC)
    reserve = local_drawing.watermark_width(final_size) if request.watermark else 0
    local_drawing.draw_prompt_panel(image, request.prompt, reserve_right=reserve)
    if request.watermark:
        local_drawing.draw_watermark(image)
    if is_labelled:
        note = f"{index + 1}/{request.count}" if request.count > 1 else ""
        local_drawing.draw_preview_label(image, palette=palette[:6], note=note)
    return image


class LocalProvider:
    """Renders Ark-shaped bodies offline with Pillow; deterministic and visibly a preview."""

    name = PROVIDER_NAME

    def __init__(self, *, default_model: str = DEFAULT_MODEL) -> None:
        self.default_model = default_model

    def validate(self, spec: GenerationSpec) -> None:
        """The shared Seedream checks, plus: no URL references, since nothing is fetched."""
        validate_common(spec, provider=self.name)
        for reference in spec.references:
            _refuse_url(reference)

    def build_payload(self, spec: GenerationSpec) -> dict[str, Any]:
        """The Ark-shaped body for a spec (pure; references stay as pointers)."""
        self.validate(spec)
        body: dict[str, Any] = {"model": spec.model or self.default_model, "prompt": spec.prompt}
        if spec.references:
            body["image"] = (
                spec.references[0] if len(spec.references) == 1 else list(spec.references)
            )
        body["size"] = spec.size
        if spec.max_images > 1:
            body["sequential_image_generation"] = "auto"
            body["sequential_image_generation_options"] = {"max_images": spec.max_images}
        else:
            body["sequential_image_generation"] = "disabled"
        body["response_format"] = spec.response_format
        body["watermark"] = spec.watermark
        if spec.seed is not None:
            body["seed"] = spec.seed
        return body

    def submit(
        self, body: Mapping[str, Any], on_image: ImageCallback | None = None
    ) -> ProviderResult:
        """Render a resolved body (references as data URIs). Everything is checked first, so an
        invalid body raises InvalidSpec before any drawing starts."""
        request = parse_body(body)
        references = [decode_reference(data, n + 1) for n, data in enumerate(request.references)]
        request_id = f"local-{request.digest.hex()[:16]}"
        images = []
        for index in range(request.count):
            data = local_drawing.encode_jpeg(render_image(request, references, index))
            source_url = (
                f"local://{request_id}/{index}.jpg" if request.response_format == "url" else ""
            )
            images.append(OutputImage(index=index, data=data, source_url=source_url))
        return ProviderResult(
            provider=self.name,
            model=request.model,
            images=tuple(images),
            request_id=request_id,
            billed_images=len(images),
            raw=_raw_reply(request, images),
        )


def _raw_reply(request: LocalRequest, images: Sequence[OutputImage]) -> dict[str, Any]:
    """An Ark-shaped reply for the record, with image bytes left out (as for every provider)."""
    size = f"{request.width}x{request.height}"
    key = "url" if request.response_format == "url" else "b64_json"
    data = [
        {key: image.source_url if key == "url" else _omitted(image.data), "size": size}
        for image in images
    ]
    usage = {"generated_images": len(images), "output_tokens": 0, "total_tokens": 0}
    return {"model": request.model, "created": 0, "data": data, "usage": usage}


def _omitted(data: bytes | None) -> str:
    """What stands in the record for b64_json bytes: their size and hash, never the bytes."""
    payload = data or b""
    digest = hashlib.sha256(payload).hexdigest()
    return f"<omitted: {len(base64.b64encode(payload))} base64 chars, sha256:{digest}>"
