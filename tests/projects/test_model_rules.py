"""A refusal for every per-model limit, naming the model and the limit, before anything is sent;
unknown model ids mapped (by a brand or by the setting) and unmapped."""

from __future__ import annotations

import math
from typing import Any

import pytest

from projects.providers.ark import ArkProvider
from projects.providers.base import GenerationSpec, InvalidSpec
from projects.providers.catalog import (
    UnknownModel,
    all_models,
    job_timeout_seconds,
    model_capabilities,
    read_timeout_seconds,
    resolve_model,
)
from projects.providers.fal import FalProvider

POINTER = "sha256:" + "d" * 64
MODELS = all_models()
ids = [model.id for model in MODELS]


def refusal(model_id: str, provider: type = ArkProvider, **spec: Any) -> InvalidSpec:
    with pytest.raises(InvalidSpec) as caught:
        provider(api_key="k", model=model_id).build_payload(GenerationSpec(**spec))
    return caught.value


def square_side(pixels: int) -> int:
    return math.isqrt(pixels)


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_a_size_below_the_models_minimum_is_refused(model: Any) -> None:
    side = square_side(model.min_pixels - 1)
    error = refusal(model.id, prompt="p", size=f"{side}x{side}")
    assert error.field == "size"
    assert error.message == (
        f"{model.label} makes images of {model.min_pixels:,} to {model.max_pixels:,} pixels; "
        f"{side}x{side} has {side * side:,}"
    )


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_a_size_above_the_models_maximum_is_refused(model: Any) -> None:
    side = square_side(model.max_pixels) + 1
    error = refusal(model.id, prompt="p", size=f"{side}x{side}")
    assert error.field == "size"
    assert error.message == (
        f"{model.label} makes images of {model.min_pixels:,} to {model.max_pixels:,} pixels; "
        f"{side}x{side} has {side * side:,}"
    )


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_an_aspect_ratio_beyond_16_is_refused(model: Any) -> None:
    # 17:1 with enough pixels for every model's minimum and under every maximum.
    height = square_side(model.min_pixels // 17) + 1
    error = refusal(model.id, prompt="p", size=f"{height * 17}x{height}")
    assert error.field == "size"
    assert f"{model.label} allows aspect ratios from 1:16 to 16:1" in error.message


@pytest.mark.parametrize(
    ("model_id", "size", "message"),
    [
        ("seedream-4-5-251128", "1K", "Seedream 4.5 has no 1K size; choose 2K or 4K"),
        ("seedream-5-5-261028", "4K", "Seedream 5.5 has no 4K size; choose 1K, 1.5K or 2K"),
        ("seedream-5-5-261028", "3K", "Seedream 5.5 has no 3K size; choose 1K, 1.5K or 2K"),
        ("seedream-5-0-260128", "4K", "Seedream 5.0 Lite has no 4K size; choose 2K or 3K"),
        ("dola-seedream-5-0-pro-260628", "1.5K", "Seedream 5.0 Pro has no 1.5K size; choose"),
        ("seedream-4-0-250828", "3K", "Seedream 4.0 has no 3K size; choose 1K, 2K or 4K"),
    ],
)
def test_a_preset_the_model_lacks_is_refused(model_id: str, size: str, message: str) -> None:
    error = refusal(model_id, prompt="p", size=size)
    assert error.field == "size" and error.message.startswith(message)


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_one_reference_too_many_is_refused(model: Any) -> None:
    count = model.max_references + 1
    error = refusal(model.id, prompt="p", references=(POINTER,) * count)
    assert error.field == "references"
    assert error.message == (
        f"{count} reference images given; {model.label} takes at most {model.max_references}"
    )


@pytest.mark.parametrize("model", [m for m in MODELS if not m.makes_groups], ids=lambda m: m.id)
def test_models_without_groups_refuse_a_group_and_suggest_variants(model: Any) -> None:
    error = refusal(model.id, prompt="p", max_images=4)
    assert error.field == "max_images"
    assert error.message == f"{model.label} makes one image per request; ask for 4 variants instead"


def test_the_issue_s_own_example() -> None:
    assert refusal("seedream-5-5-261028", prompt="p", max_images=4).message == (
        "Seedream 5.5 makes one image per request; ask for 4 variants instead"
    )


@pytest.mark.parametrize("model", [m for m in MODELS if m.makes_groups], ids=lambda m: m.id)
def test_group_models_cap_outputs_and_references_plus_outputs(model: Any) -> None:
    error = refusal(model.id, prompt="p", max_images=16)
    assert error.message == f"{model.label} makes at most 15 images per group; 16 asked"
    error = refusal(model.id, prompt="p", references=(POINTER,) * 5, max_images=11)
    assert error.message == (
        f"5 references + 11 images = 16; {model.label} allows at most 15 in total"
    )
    ArkProvider(api_key="k", model=model.id).build_payload(
        GenerationSpec(prompt="p", references=(POINTER,) * 4, max_images=11)
    )


def test_fal_caps_groups_at_six() -> None:
    error = refusal("seedream-4-0-250828", FalProvider, prompt="p", max_images=7)
    assert error.message == "Seedream 4.0 on fal makes at most 6 images per group; 7 asked"


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_a_prompt_over_the_models_limit_is_refused(model: Any) -> None:
    limit = model.max_prompt_characters
    error = refusal(model.id, prompt="x" * (limit + 1))
    assert error.field == "prompt"
    assert error.message == (
        f"{model.label} takes prompts of at most {limit:,} characters; this one has {limit + 1:,}"
    )


def test_output_format_on_a_jpeg_only_model_is_refused() -> None:
    error = refusal("seedream-4-5-251128", prompt="p", output_format="png")
    assert error.field == "output_format"
    assert error.message == "Seedream 4.5 always returns JPEG; it has no output format choice"


def test_background_on_a_model_without_it_is_refused_naming_those_with_it() -> None:
    error = refusal("seedream-5-0-260128", prompt="p", background="transparent")
    assert error.field == "background"
    assert error.message == (
        "Seedream 5.0 Lite has no background option; transparent backgrounds need "
        "Seedream 5.0 Pro, Seedream 5.0 Flash or Seedream 5.5"
    )


def test_transparent_jpeg_is_refused() -> None:
    error = refusal(
        "seedream-5-5-261028", prompt="p", background="transparent", output_format="jpeg"
    )
    assert error.field == "output_format" and "needs PNG output" in error.message


def test_pro_makes_transparent_backgrounds_only_from_one_reference() -> None:
    error = refusal("dola-seedream-5-0-pro-260628", prompt="p", background="transparent")
    assert error.field == "background"
    assert error.message.startswith(
        "Seedream 5.0 Pro makes a transparent background only from exactly one reference"
    )


def test_fal_refuses_an_edit_without_a_confirmed_endpoint() -> None:
    error = refusal("seedream-5-5-261028", FalProvider, prompt="p", references=(POINTER,))
    assert error.field == "references"
    assert "fal has no edit endpoint for Seedream 5.5" in error.message


def test_an_unknown_id_mapped_by_the_brand_gets_that_models_rules(settings: Any) -> None:
    settings.BRANDKIT_MODEL_MAP = {}
    provider = ArkProvider(api_key="k", model="ep-20261201-brand")
    spec = GenerationSpec(prompt="p", rules_model="seedream-5-5-261028")
    body = provider.build_payload(spec)
    assert body == {
        "model": "ep-20261201-brand",
        "prompt": "p",
        "size": "2K",
        "response_format": "b64_json",
        "watermark": True,
    }
    error = refusal(
        "ep-20261201-brand", prompt="p", max_images=2, rules_model="seedream-5-5-261028"
    )
    assert error.message == "Seedream 5.5 makes one image per request; ask for 2 variants instead"


def test_an_unknown_id_mapped_by_the_setting_gets_that_models_rules(settings: Any) -> None:
    settings.BRANDKIT_MODEL_MAP = {"ep-20261201-team": "seedream-4-5-251128"}
    assert resolve_model("ep-20261201-team").id == "seedream-4-5-251128"
    error = refusal("ep-20261201-team", prompt="p", size="1K")
    assert error.message.startswith("Seedream 4.5 has no 1K size")
    assert job_timeout_seconds("ep-20261201-team", default=5) == 900


def test_an_unmapped_unknown_id_is_refused_with_how_to_map_it(settings: Any) -> None:
    settings.BRANDKIT_MODEL_MAP = {}
    with pytest.raises(UnknownModel):
        resolve_model("seedream-6-0-270101")
    error = refusal("seedream-6-0-270101", prompt="p")
    assert error.field == "model"
    assert "a brand admin adds a model mapping" in error.message
    assert "BRANDKIT_MODEL_MAP=seedream-6-0-270101=seedream-5-5-261028" in error.message
    assert job_timeout_seconds("seedream-6-0-270101", default=77) == 77
    assert read_timeout_seconds("seedream-6-0-270101") is None


def test_slow_models_get_longer_limits_than_the_fast_ones() -> None:
    pro = model_capabilities("dola-seedream-5-0-pro-260628")
    # 5.0 Pro answers in 30 s to 2 min (research §5): the read timeout must cover 130 s.
    assert pro.read_timeout >= 240
    assert pro.job_timeout > pro.read_timeout
    for model in MODELS:
        assert model.job_timeout > model.read_timeout
