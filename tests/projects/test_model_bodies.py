"""Every model of the table, every mode it supports, on every provider: the exact body, compared
with fixtures written from the research (not with the code's own output)."""

from __future__ import annotations

from typing import Any

import pytest

from projects.providers.ark import ArkProvider
from projects.providers.catalog import all_models
from projects.providers.fal import FalProvider
from projects.providers.openai import OpenAICompatibleProvider
from tests.projects.model_bodies_support import (
    FIXTURES,
    PROVIDERS,
    fixture_cases,
    model_fixture,
    spec_of,
)

PROVIDER_CLASSES = {"ark": ArkProvider, "openai": OpenAICompatibleProvider, "fal": FalProvider}
DESIGN_ONLY_KEYS = ("sequential_image_generation", "sequential_image_generation_options", "stream")
NEVER_SENT = ("guidance_scale", "image_guidance_scale", "optimize_prompt", "seed")


def expected_modes(provider: str, model: Any) -> set[str]:
    """The modes a fixture must cover: what the model supports on that provider."""
    modes = {"text_to_image", "pixels"}
    if provider != "fal" or model.fal_edit:
        modes |= {"edit", "multi_reference"}
    if model.makes_groups:
        modes.add("group")
    if model.output_formats and (provider != "fal" or model.fal_background):
        modes.add("png")
    if model.backgrounds and (provider != "fal" or model.fal_background):
        modes.add("transparent")
    return modes


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("model", all_models(), ids=lambda model: model.id)
def test_every_model_has_a_fixture_for_every_mode_it_supports(provider: str, model: Any) -> None:
    path = FIXTURES / provider / f"{model.id}.json"
    assert path.exists(), f"add {path.relative_to(FIXTURES.parent)} for {model.label}"
    assert set(model_fixture(provider, model.id)["cases"]) == expected_modes(provider, model)


@pytest.mark.parametrize(
    ("provider", "model_id", "name", "case"),
    fixture_cases(),
    ids=[f"{p}-{m}-{n}" for p, m, n, _ in fixture_cases()],
)
def test_body_matches_the_fixture(
    provider: str, model_id: str, name: str, case: dict[str, Any], settings: Any
) -> None:
    settings.BRANDKIT_MODEL_MAP = {}
    adapter = PROVIDER_CLASSES[provider](api_key="k", model=model_id)
    body = adapter.build_payload(spec_of(case))
    assert body == case["body"]
    if provider == "fal":
        assert adapter.endpoint_url(body) == f"https://queue.fal.run/{case['endpoint']}"


@pytest.mark.parametrize("model", all_models(), ids=lambda model: model.id)
def test_design_models_never_get_group_or_stream_keys(model: Any) -> None:
    for provider in ("ark", "openai"):
        for case in model_fixture(provider, model.id)["cases"].values():
            body = case["body"]
            assert not set(NEVER_SENT) & set(body)
            if model.api_shape == "design":
                assert not set(DESIGN_ONLY_KEYS) & set(body), (provider, model.id)


def test_the_seed_model_body_is_what_it_always_was() -> None:
    """seedream-4-0-250828 keeps the exact body of the official SDK (and of stored rows)."""
    body = ArkProvider(api_key="k").build_payload(
        spec_of({"spec": {"prompt": "a poster", "size": "2K"}})
    )
    assert body == {
        "model": "seedream-4-0-250828",
        "prompt": "a poster",
        "size": "2K",
        "sequential_image_generation": "disabled",
        "response_format": "b64_json",
        "watermark": True,
        "stream": False,
    }


@pytest.mark.parametrize(
    ("alias", "model_id"),
    [
        ("dola-seedream-5-5-261028", "seedream-5-5-261028"),
        ("seedream-5-0-pro-260628", "dola-seedream-5-0-pro-260628"),
        ("doubao-seedream-4-5-251128", "seedream-4-5-251128"),
        ("seedream-5-0-lite-260128", "seedream-5-0-260128"),
    ],
)
def test_aliases_are_sent_as_given_with_their_model_rules(alias: str, model_id: str) -> None:
    case = model_fixture("ark", model_id)["cases"]["text_to_image"]
    body = ArkProvider(api_key="k", model=alias).build_payload(spec_of(case))
    assert body == {**case["body"], "model": alias}
