"""The model table as rows for the Models page: what each model can do and what it costs, with
the settings' price overrides applied (the figures budgets and costs use)."""

from __future__ import annotations

from dataclasses import dataclass

from projects.pricing import PriceBasis, price_basis
from projects.providers.catalog import ModelCapabilities, all_models


@dataclass(frozen=True)
class ModelRow:
    model: ModelCapabilities
    prices: list[tuple[str, str]]  # (size preset, USD per image)
    per_reference: str
    reference_note: str
    pixels: str


def _price_at(model: ModelCapabilities, size: str, references: int = 0) -> PriceBasis:
    # The ark basis: a flat provider price (ARK_PRICE_PER_IMAGE) applies there too.
    return price_basis(provider="ark", model_id=model.id, size=size, references=references)


def model_rows() -> list[ModelRow]:
    rows = []
    for model in all_models():
        prices = [(size, _price_at(model, size).per_image) for size in model.size_presets]
        many = _price_at(model, model.default_size, references=model.max_references)
        if many.billed_references == 0 or many.per_reference in ("0", "0.00"):
            note = "not billed"
        elif many.billed_references == many.references:
            note = "each billed"
        else:
            note = f"first {many.references - many.billed_references} free"
        rows.append(
            ModelRow(
                model=model,
                prices=prices,
                per_reference=many.per_reference,
                reference_note=note,
                pixels=f"{model.min_pixels:,}–{model.max_pixels:,}",
            )
        )
    return rows


__all__ = ["ModelRow", "model_rows"]
