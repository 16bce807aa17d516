"""Per-model validation of a request, before anything is sent.

Every limit comes from the model's entry in `catalog`; every refusal is an InvalidSpec naming
the field, the model and its limit, in words a marketer can act on ("Seedream 5.5 makes one
image per request; ask for 4 variants instead").
"""

from __future__ import annotations

import re

from projects.providers.base import REFERENCE_POINTER_PREFIX, GenerationSpec, InvalidSpec
from projects.providers.catalog import (
    MIN_REFERENCE_SIDE,
    PRESET_PIXELS,
    ModelCapabilities,
    all_models,
)

SIZE_PATTERN = re.compile(r"^(?P<width>[1-9][0-9]{1,4})x(?P<height>[1-9][0-9]{1,4})$")
RESPONSE_FORMATS = ("url", "b64_json")
MAX_SEED = 2_147_483_647


def _either(values: tuple[str, ...]) -> str:
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} or {values[-1]}"


def models_with(predicate: str) -> str:
    """Labels of the table's models with a truthy `predicate` attribute, for refusals."""
    labels: list[str] = []
    for model in all_models():
        if getattr(model, predicate) and model.label not in labels:
            labels.append(model.label.split(" (")[0])
    return _either(tuple(dict.fromkeys(labels)))


def check_size(
    size: str, model: ModelCapabilities, *, provider: str = ""
) -> tuple[int, int] | None:
    """(width, height) for `WxH`, None for a preset of this model; InvalidSpec otherwise."""
    if size in model.size_presets:
        return None
    match = SIZE_PATTERN.match(size)
    if not match:
        raise InvalidSpec(
            "size",
            f"{model.label} takes sizes {_either(model.size_presets)} or WIDTHxHEIGHT in pixels; "
            f"{size!r} is neither",
            provider=provider,
        )
    width, height = int(match["width"]), int(match["height"])
    pixels = width * height
    if not model.min_pixels <= pixels <= model.max_pixels:
        raise InvalidSpec(
            "size",
            f"{model.label} makes images of {model.min_pixels:,} to {model.max_pixels:,} pixels; "
            f"{size} has {pixels:,}",
            provider=provider,
        )
    if not model.min_aspect <= width / height <= model.max_aspect:
        raise InvalidSpec(
            "size",
            f"{model.label} allows aspect ratios from 1:16 to 16:1; {size} is "
            f"{width / height:.3g}:1",
            provider=provider,
        )
    return width, height


def validate_for_model(
    spec: GenerationSpec,
    model: ModelCapabilities,
    *,
    provider: str,
    max_outputs: int | None = None,
) -> None:
    """Refuse anything `model` does not take. `max_outputs` is a provider's lower group cap
    (fal: 6)."""
    label = model.label
    if not spec.prompt or not spec.prompt.strip():
        raise InvalidSpec(
            "prompt", "prompt is empty; describe the image to make", provider=provider
        )
    if len(spec.prompt) > model.max_prompt_characters:
        raise InvalidSpec(
            "prompt",
            f"{label} takes prompts of at most {model.max_prompt_characters:,} characters; this "
            f"one has {len(spec.prompt):,}",
            provider=provider,
        )
    if spec.size not in model.size_presets and spec.size in PRESET_PIXELS:
        raise InvalidSpec(
            "size",
            f"{label} has no {spec.size} size; choose {_either(model.size_presets)} or "
            "pixels within its range",
            provider=provider,
        )
    check_size(spec.size, model, provider=provider)
    _check_outputs(spec, model, provider=provider, max_outputs=max_outputs)
    if len(spec.references) > model.max_references:
        raise InvalidSpec(
            "references",
            f"{len(spec.references)} reference images given; {label} takes at most "
            f"{model.max_references}",
            provider=provider,
        )
    for reference in spec.references:
        if not reference.startswith((REFERENCE_POINTER_PREFIX, "https://", "http://")):
            raise InvalidSpec(
                "references",
                f"each reference must be a stored image or an http(s) URL, got {reference[:40]!r}",
                provider=provider,
            )
    if spec.response_format not in RESPONSE_FORMATS:
        raise InvalidSpec(
            "response_format",
            f"response_format must be url or b64_json, got {spec.response_format!r}",
            provider=provider,
        )
    if spec.seed is not None and not -1 <= spec.seed <= MAX_SEED:
        raise InvalidSpec(
            "seed", f"seed must be between -1 and {MAX_SEED}, got {spec.seed}", provider=provider
        )
    _check_format_and_background(spec, model, provider=provider)


def _check_outputs(
    spec: GenerationSpec, model: ModelCapabilities, *, provider: str, max_outputs: int | None
) -> None:
    label = model.label
    if spec.max_images < 1:
        raise InvalidSpec(
            "max_images", f"ask for at least 1 image, got {spec.max_images}", provider=provider
        )
    if spec.max_images > 1 and not model.makes_groups:
        raise InvalidSpec(
            "max_images",
            f"{label} makes one image per request; ask for {spec.max_images} variants instead",
            provider=provider,
        )
    cap = min(model.max_outputs, max_outputs or model.max_outputs)
    if spec.max_images > cap:
        where = f"{label} on {provider}" if cap < model.max_outputs else label
        raise InvalidSpec(
            "max_images",
            f"{where} makes at most {cap} images per group; {spec.max_images} asked",
            provider=provider,
        )
    total = len(spec.references) + spec.max_images
    limit = model.max_references_plus_outputs
    if spec.max_images > 1 and limit is not None and total > limit:
        raise InvalidSpec(
            "max_images",
            f"{len(spec.references)} references + {spec.max_images} images = {total}; {label} "
            f"allows at most {limit} in total",
            provider=provider,
        )


def _check_format_and_background(
    spec: GenerationSpec, model: ModelCapabilities, *, provider: str
) -> None:
    label = model.label
    if spec.output_format and spec.output_format not in model.output_formats:
        if not model.output_formats:
            message = f"{label} always returns JPEG; it has no output format choice"
        else:
            message = f"{label} returns {_either(model.output_formats)}, not {spec.output_format!r}"
        raise InvalidSpec("output_format", message, provider=provider)
    if not spec.background:
        return
    if spec.background not in model.backgrounds:
        if not model.backgrounds:
            message = (
                f"{label} has no background option; transparent backgrounds need "
                f"{models_with('backgrounds')}"
            )
        else:
            message = (
                f"{label} takes background {_either(model.backgrounds)}, not {spec.background!r}"
            )
        raise InvalidSpec("background", message, provider=provider)
    if spec.background == "transparent":
        if spec.output_format == "jpeg":
            raise InvalidSpec(
                "output_format",
                f"a transparent background needs PNG output; {label} cannot put alpha in a JPEG",
                provider=provider,
            )
        if model.transparent_needs_one_reference and len(spec.references) != 1:
            raise InvalidSpec(
                "background",
                f"{label} makes a transparent background only from exactly one reference (a PNG "
                f"with transparency); {len(spec.references)} given",
                provider=provider,
            )


def effective_output_format(spec: GenerationSpec, model: ModelCapabilities) -> str:
    """The `output_format` to send: the asked one, PNG when a transparent background is asked
    without one (JPEG has no alpha and the model's default may be JPEG), else none."""
    if spec.output_format:
        return spec.output_format
    if spec.background == "transparent" and "png" in model.output_formats:
        return "png"
    return ""


def check_reference_image(
    model: ModelCapabilities,
    *,
    width: int,
    height: int,
    byte_size: int | None = None,
    name: str = "a reference",
    provider: str = "",
) -> None:
    """One reference image against the model's per-file limits (research §1.4 `image`): each
    side above 14 px, aspect ratio 1:16 to 16:1, the model's longest side and file size."""
    label = model.label
    if min(width, height) < MIN_REFERENCE_SIDE:
        rule = f"{label} needs both sides of a reference to be at least {MIN_REFERENCE_SIDE} px"
    elif not model.min_aspect <= width / height <= model.max_aspect:
        rule = f"{label} takes references with aspect ratios from 1:16 to 16:1"
    elif model.max_reference_side and max(width, height) > model.max_reference_side:
        rule = f"{label} takes references of at most {model.max_reference_side} pixels a side"
    elif byte_size is not None and byte_size > model.max_reference_bytes:
        megabytes = model.max_reference_bytes // (1024 * 1024)
        rule = f"{label} takes references of at most {megabytes} MB"
    else:
        return
    raise InvalidSpec("references", f"{name} is {width}x{height} pixels; {rule}", provider=provider)
