"""The body fixtures of every model in the table (tests/projects/fixtures/model_bodies), written
from the research tables rather than from the code, and a spec built from each case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projects.providers.base import GenerationSpec

FIXTURES = Path(__file__).parent / "fixtures" / "model_bodies"
PROVIDERS = ("ark", "openai", "fal")


def model_fixture(provider: str, model_id: str) -> dict[str, Any]:
    path = FIXTURES / provider / f"{model_id}.json"
    return json.loads(path.read_text())


def fixture_cases() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(provider, model id, case name, case) for every fixture file on disk."""
    found = []
    for provider in PROVIDERS:
        for path in sorted((FIXTURES / provider).glob("*.json")):
            for name, case in json.loads(path.read_text())["cases"].items():
                found.append((provider, path.stem, name, case))
    return found


def spec_of(case: dict[str, Any], *, model: str = "") -> GenerationSpec:
    spec = dict(case["spec"])
    spec["references"] = tuple(spec.get("references", ()))
    return GenerationSpec(model=model, **spec)
