"""What a generation costs: per output image by model and output size tier, plus reference
images where the model bills them (research §1.3: 5.0 Pro bills references after the first,
5.5 every one). Prices are the model table's (catalog), overridden per model by
`BRANDKIT_MODEL_PRICES`, or flat per provider by `PROVIDER_PRICE_PER_IMAGE` (a reseller's
price). The basis a price came from is stored on the generation, so a later change of the table
or the settings does not rewrite what a past estimate meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from projects.providers.catalog import (
    PRESET_PIXELS,
    ModelCapabilities,
    PriceTier,
    UnknownModel,
    resolve_model,
)
from projects.providers.model_rules import SIZE_PATTERN

CENT_FRACTION = Decimal("0.0001")


@dataclass(frozen=True)
class PriceBasis:
    """How one request is priced: USD per billed image, USD per billed reference, and where the
    figures came from ("model table", "BRANDKIT_MODEL_PRICES", "ARK_PRICE_PER_IMAGE", ...)."""

    model: str
    size: str
    per_image: str
    references: int = 0
    billed_references: int = 0
    per_reference: str = "0"
    source: str = "model table"

    def as_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> PriceBasis:
        return cls(**{key: record[key] for key in cls.__dataclass_fields__ if key in record})


def output_pixels(size: str) -> int:
    """Pixels of a size: a preset's area, or W*H."""
    if size in PRESET_PIXELS:
        return PRESET_PIXELS[size]
    match = SIZE_PATTERN.match(size)
    return int(match["width"]) * int(match["height"]) if match else PRESET_PIXELS["2K"]


def _decimal(value: object, *, where: str) -> Decimal:
    try:
        price = Decimal(str(value))
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{where} must be a price in USD, got {value!r}") from exc
    if price < 0:
        raise ImproperlyConfigured(f"{where} must not be negative, got {value!r}")
    return price


def _tiers_override(model: ModelCapabilities, override: Mapping[str, Any]) -> tuple[PriceTier, ...]:
    if "per_image" in override:
        where = f"BRANDKIT_MODEL_PRICES[{model.id!r}].per_image"
        return (PriceTier(None, _decimal(override["per_image"], where=where)),)
    tiers = override.get("tiers")
    if not isinstance(tiers, Mapping):
        return model.price_tiers
    result = []
    for tier, price in tiers.items():
        where = f"BRANDKIT_MODEL_PRICES[{model.id!r}].tiers[{tier!r}]"
        if tier != "any" and tier not in PRESET_PIXELS:
            raise ImproperlyConfigured(f"{where}: a tier is a size preset (1K..4K) or 'any'")
        limit = None if tier == "any" else PRESET_PIXELS[tier]
        result.append(PriceTier(limit, _decimal(price, where=where)))
    return tuple(sorted(result, key=lambda t: (t.max_pixels is None, t.max_pixels or 0)))


def price_basis(
    *,
    provider: str,
    model_id: str,
    size: str,
    references: int = 0,
    mappings: Mapping[str, str] | None = None,
) -> PriceBasis:
    """The price of one request to `model_id` through `provider`."""
    flat = str(settings.PROVIDER_PRICE_PER_IMAGE.get(provider, "") or "").strip()
    if provider == "local" and not flat:
        # Free unless an operator gives it a price (to rehearse budgets without a paid model).
        return PriceBasis(model=model_id, size=size, per_image="0", source="local renderer")
    if flat:
        per_image = _decimal(flat, where=f"the {provider} price per image")
        return PriceBasis(
            model=model_id,
            size=size,
            per_image=str(per_image),
            references=references,
            source=f"{provider} flat price per image",
        )
    try:
        model = resolve_model(model_id, mappings)
    except UnknownModel:
        # Refused before queueing; a stored row with an id since unmapped costs what it billed
        # at the table's seed price rather than nothing.
        model = resolve_model("seedream-4-0-250828")
    override = settings.BRANDKIT_MODEL_PRICES.get(model.id) or {}
    tiers = _tiers_override(model, override) if override else model.price_tiers
    free = override.get("free_references", model.free_references)
    per_reference = _decimal(
        override.get("per_reference", model.price_per_reference),
        where=f"BRANDKIT_MODEL_PRICES[{model.id!r}].per_reference",
    )
    billed_references = 0 if free is None else max(0, references - int(free))
    pixels = output_pixels(size)
    per_image = next(
        (tier.per_image for tier in tiers if tier.max_pixels is None or pixels <= tier.max_pixels),
        tiers[-1].per_image if tiers else Decimal("0"),
    )
    return PriceBasis(
        model=model.id,
        size=size,
        per_image=str(per_image),
        references=references,
        billed_references=billed_references,
        per_reference=str(per_reference),
        source="BRANDKIT_MODEL_PRICES" if override else "model table",
    )


def generation_cost(basis: PriceBasis, *, images: int) -> Decimal:
    """USD for `images` billed images; references are billed once per request that made any."""
    cost = Decimal(basis.per_image) * images
    if images > 0:
        cost += Decimal(basis.per_reference) * basis.billed_references
    return cost.quantize(CENT_FRACTION)
