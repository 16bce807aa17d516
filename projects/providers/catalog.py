"""Every Seedream model Brandkit knows, as data: one entry per model id, with where its facts
come from. Payload building (ark_bodies, fal), validation (model_rules), the form, the /models/
page, pricing and timeouts all read this table; no other module hard-codes a model fact.

Facts come from ../shared/research/seedream-models-2026-12.md (§1.2 ids, §1.3 capability
matrix, §1.4 fields, §2 fal, §5 latency). Where the sources disagree or are silent (marked
UNCONFIRMED there) the entry takes the safe reading and its `source` note says which: the
smaller limit (what every source agrees the API accepts), the higher price (a budget reserved
too high is refunded by the recorded cost; one reserved too low is overspent), the longer
timeout (a slow model swept as lost is re-sent and billed twice).

Adding a model is one entry here plus its body fixtures (tests/projects/fixtures/model_bodies).
Ids the table does not hold (ModelArk endpoint ids `ep-...`, a build released after this table)
are sent with the rules of a table entry they are mapped to: `BRANDKIT_MODEL_MAP` in settings,
or a brand's model mappings, passed in as `mappings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.conf import settings

ApiShape = Literal["group", "design"]

# Pixels of each size preset, for price tiers and fal sizes. The model picks the shape of a
# preset from the prompt; "1K" at 9:16 came back as 720x1280 (§1.8), so these are areas.
PRESET_PIXELS: dict[str, int] = {
    "1K": 1024 * 1024,
    "1.5K": 1536 * 1536,
    "2K": 2048 * 2048,
    "3K": 3072 * 3072,
    "4K": 4096 * 4096,
}
PRESET_SIDES: dict[str, int] = {"1K": 1024, "1.5K": 1536, "2K": 2048, "3K": 3072, "4K": 4096}

# Per-item reference limits shared by every model (§1.4 `image`): each side above 14 px, aspect
# within 1/16..16.
MIN_REFERENCE_SIDE = 15
MB = 1024 * 1024


@dataclass(frozen=True)
class PriceTier:
    """USD per output image up to `max_pixels` output pixels (None: any size)."""

    max_pixels: int | None
    per_image: Decimal


@dataclass(frozen=True)
class ModelCapabilities:
    id: str
    label: str
    api_shape: ApiShape
    source: str
    aliases: tuple[str, ...] = ()
    size_presets: tuple[str, ...] = ("1K", "2K", "4K")
    default_size: str = "2K"
    min_pixels: int = 1280 * 720
    max_pixels: int = 4096 * 4096
    min_aspect: float = 1 / 16
    max_aspect: float = 16.0
    max_references: int = 14
    max_outputs: int = 15  # per request; 1 for models without group sets
    max_references_plus_outputs: int | None = 15
    stream: bool = False
    output_formats: tuple[str, ...] = ()  # empty: the field is not sent (always JPEG)
    default_output_format: str = "jpeg"
    backgrounds: tuple[str, ...] = ()  # empty: no `background` field
    transparent_needs_one_reference: bool = False
    max_prompt_characters: int = 4000
    max_reference_bytes: int = 10 * MB
    max_reference_side: int | None = None
    reference_formats: tuple[str, ...] = ("jpeg", "png", "webp", "bmp", "tiff", "gif")
    fal_text_to_image: str = ""
    fal_edit: str = ""
    fal_sizes: Mapping[str, str | Mapping[str, int]] = field(default_factory=dict)
    fal_group: bool = True  # fal takes `max_images` for this model
    fal_max_outputs: int = 6
    fal_background: bool = False  # fal documents `background` / `output_format` for it
    price_tiers: tuple[PriceTier, ...] = ()
    free_references: int | None = None  # None: references are not billed
    price_per_reference: Decimal = Decimal("0")
    read_timeout: float = 600.0
    job_timeout: int = 900

    @property
    def makes_groups(self) -> bool:
        return self.max_outputs > 1

    @property
    def all_ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def price_per_image(self, pixels: int) -> Decimal:
        for tier in self.price_tiers:
            if tier.max_pixels is None or pixels <= tier.max_pixels:
                return tier.per_image
        return self.price_tiers[-1].per_image if self.price_tiers else Decimal("0")


def _flat(price: str) -> tuple[PriceTier, ...]:
    return (PriceTier(None, Decimal(price)),)


_SEEDREAM_40_FAL_SIZES = {
    # fal has no auto_1K for v4 and what plain "auto" gives is undocumented: ask for a square.
    "1K": {"width": 1024, "height": 1024},
    "2K": "auto_2K",
    "4K": "auto_4K",
}

_SEEDREAM_40 = {
    "api_shape": "group",
    "size_presets": ("1K", "2K", "4K"),
    # 921,600 (1280x720) per the Oct-2025 doc and the 2026-09 probe; Comfy's schema says 1024^2.
    # The lower bound is kept: the seed model's requests must keep working exactly as today.
    "min_pixels": 1280 * 720,
    "max_pixels": 4096 * 4096,
    "max_references": 14,
    "stream": True,
    "fal_text_to_image": "fal-ai/bytedance/seedream/v4/text-to-image",
    "fal_edit": "fal-ai/bytedance/seedream/v4/edit",
    "fal_sizes": _SEEDREAM_40_FAL_SIZES,
    "price_tiers": _flat("0.03"),
    # Groups of up to 15 on one synchronous reply: the Ark SDK's 600 s read timeout.
    "read_timeout": 600.0,
    "job_timeout": 900,
}

MODELS: tuple[ModelCapabilities, ...] = (
    ModelCapabilities(
        id="seedream-4-0-250828",
        label="Seedream 4.0",
        source="research §1.2-1.3: BytePlus id, Comfy Router schema mirror, 2026-09-02 probe; "
        "price BytePlus 1544106. Max references 14 (was 10 in the Oct-2025 doc).",
        aliases=(
            "doubao-seedream-4-0-250828",
            # CometAPI's id (providers/seedream-api.md §3.1), the OPENAI_COMPAT_MODEL default.
            "bytedance-seedream-4-0-250828",
            # fal's v4 endpoint root, the FAL_MODEL default before the table existed.
            "fal-ai/bytedance/seedream/v4",
        ),
        **_SEEDREAM_40,  # type: ignore[arg-type]
    ),
    ModelCapabilities(
        id="seedream-4-0-20260415",
        label="Seedream 4.0 (2026-04 build)",
        source="research §1.2: second 4.0 build, callable 2026-09-02 [probe]; limits and price "
        "assumed those of 250828 (no separate schema seen).",
        aliases=("doubao-seedream-4-0-20260415",),
        **_SEEDREAM_40,  # type: ignore[arg-type]
    ),
    ModelCapabilities(
        id="seedream-4-5-251128",
        label="Seedream 4.5",
        api_shape="group",
        source="research §1.3: presets 2K/4K (no 1K), pixels 3,686,400..16,777,216 (Comfy "
        "mirror; 4704^2 claimed by ComfyUI#11394 is not trusted); $0.04; fal v4.5 endpoints.",
        aliases=("doubao-seedream-4-5-251128", "bytedance-seedream-4-5-251128"),
        size_presets=("2K", "4K"),
        min_pixels=2560 * 1440,
        max_pixels=4096 * 4096,
        max_references=14,
        stream=True,
        fal_text_to_image="fal-ai/bytedance/seedream/v4.5/text-to-image",
        fal_edit="fal-ai/bytedance/seedream/v4.5/edit",
        fal_sizes={"2K": "auto_2K", "4K": "auto_4K"},
        price_tiers=_flat("0.04"),
        read_timeout=600.0,
        job_timeout=900,
    ),
    ModelCapabilities(
        id="seedream-5-0-260128",
        label="Seedream 5.0 Lite",
        api_shape="group",
        source="research §1.3: presets 2K/3K and a ceiling of 3072^2 (Comfy mirror, fal, apiyi; "
        "a probe accepted 4K / 16.7 MP, UNCONFIRMED, so 3K is the safe limit); output_format; "
        "prompt 2995 characters (runapi); $0.035.",
        aliases=(
            "seedream-5-0-lite-260128",
            "doubao-seedream-5-0-260128",
            "doubao-seedream-5-0-lite-260128",
        ),
        size_presets=("2K", "3K"),
        min_pixels=2560 * 1440,
        max_pixels=3072 * 3072,
        max_references=14,
        stream=True,
        output_formats=("png", "jpeg"),
        max_prompt_characters=2995,
        # fal writes the t2i id both with and without the `fal-ai/` prefix; the llms.txt page
        # of the edit endpoint has it, so both use it.
        fal_text_to_image="fal-ai/bytedance/seedream/v5/lite/text-to-image",
        fal_edit="fal-ai/bytedance/seedream/v5/lite/edit",
        fal_sizes={"2K": "auto_2K", "3K": "auto_3K"},
        price_tiers=_flat("0.035"),
        read_timeout=600.0,
        job_timeout=900,
    ),
    ModelCapabilities(
        id="dola-seedream-5-0-pro-260628",
        label="Seedream 5.0 Pro",
        api_shape="design",
        source="research §1.3: BytePlus catalog id with `dola-`; no group or stream (400 even "
        "when disabled); presets 1K/2K, pixels 921,600..4,624,220 (BytePlus doc 1541523); 10 "
        "references of up to 30 MB and 6000x6000; transparent only i2i with one alpha PNG; "
        "$0.045 up to 2.36 MP else $0.09, references after the first $0.003; 30 s to 2 min "
        "per image (§5), so a 300 s read timeout.",
        aliases=("seedream-5-0-pro-260628", "doubao-seedream-5-0-pro-260628"),
        size_presets=("1K", "2K"),
        default_size="2K",
        min_pixels=1280 * 720,
        max_pixels=4_624_220,
        max_references=10,
        max_outputs=1,
        max_references_plus_outputs=None,
        output_formats=("png", "jpeg"),
        backgrounds=("opaque", "transparent"),
        transparent_needs_one_reference=True,
        max_reference_bytes=30 * MB,
        max_reference_side=6000,
        reference_formats=("jpeg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif"),
        fal_text_to_image="bytedance/seedream/v5/pro/text-to-image",
        fal_edit="bytedance/seedream/v5/pro/edit",
        # fal documents no preset enum for Pro: explicit squares within its pixel range.
        fal_sizes={"1K": {"width": 1024, "height": 1024}, "2K": {"width": 2048, "height": 2048}},
        fal_group=False,
        price_tiers=(
            PriceTier(PRESET_PIXELS["1.5K"], Decimal("0.045")),
            PriceTier(None, Decimal("0.09")),
        ),
        free_references=1,
        price_per_reference=Decimal("0.003"),
        read_timeout=300.0,
        job_timeout=600,
    ),
    ModelCapabilities(
        id="seedream-5-0-flash-260915",
        label="Seedream 5.0 Flash",
        api_shape="design",
        source="research §1.3: no group or stream; presets 1K/1.5K/2K, pixels "
        "921,600..4,624,220; 10 references; background and output_format. Transparent "
        "conditions undocumented: Pro's rule (one reference) is applied. USD price "
        "UNCONFIRMED (about CNY 0.12 at 1.5K): $0.035, the 5.5 2K price, is reserved.",
        aliases=("dola-seedream-5-0-flash-260915", "doubao-seedream-5-0-flash-260915"),
        size_presets=("1K", "1.5K", "2K"),
        min_pixels=1280 * 720,
        max_pixels=4_624_220,
        max_references=10,
        max_outputs=1,
        max_references_plus_outputs=None,
        output_formats=("png", "jpeg"),
        backgrounds=("opaque", "transparent"),
        transparent_needs_one_reference=True,
        fal_text_to_image="bytedance/seedream/v5/flash/text-to-image",
        fal_edit="",  # no fal edit endpoint seen
        fal_sizes={
            "1K": {"width": 1024, "height": 1024},
            "1.5K": {"width": 1536, "height": 1536},
            "2K": {"width": 2048, "height": 2048},
        },
        fal_group=False,
        price_tiers=_flat("0.035"),
        read_timeout=240.0,
        job_timeout=480,
    ),
    ModelCapabilities(
        id="seedream-5-5-261028",
        label="Seedream 5.5",
        api_shape="design",
        source="research §1.2-1.3: released 2026-11-12; no group or stream; presets 1K/1.5K/2K "
        "(a 3K tier claimed by WaveSpeed is not trusted); up to about 2048^2 (Pro's ceiling "
        "applied); 10 references; background auto/transparent/opaque for text-to-image and "
        "edit; PNG by default. Price from resellers: $0.02 up to 1.5K, $0.035 at 2K, $0.008 "
        "per reference. 12-35 s per image (§5). fal: v5.5 text-to-image (edit id UNCONFIRMED, "
        "so not used).",
        aliases=("dola-seedream-5-5-261028",),
        size_presets=("1K", "1.5K", "2K"),
        min_pixels=1280 * 720,
        max_pixels=4_624_220,
        max_references=10,
        max_outputs=1,
        max_references_plus_outputs=None,
        output_formats=("png", "jpeg"),
        default_output_format="png",
        backgrounds=("auto", "opaque", "transparent"),
        fal_text_to_image="bytedance/seedream/v5.5/text-to-image",
        fal_edit="",
        fal_sizes={"1K": "auto_1K", "1.5K": "auto_1.5K", "2K": "auto_2K"},
        fal_group=False,
        fal_background=True,
        price_tiers=(
            PriceTier(PRESET_PIXELS["1.5K"], Decimal("0.02")),
            PriceTier(None, Decimal("0.035")),
        ),
        free_references=0,
        price_per_reference=Decimal("0.008"),
        read_timeout=240.0,
        job_timeout=480,
    ),
)

_BY_ID: dict[str, ModelCapabilities] = {
    model_id: model for model in MODELS for model_id in model.all_ids
}
DEFAULT_MODEL_ID = "seedream-4-0-250828"


class UnknownModel(LookupError):
    """A model id neither in the table nor mapped to an entry of it."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self.message = (
            f"Model {model_id!r} is not in Brandkit's model table, so its limits are unknown. "
            "Map it to a model of the table: a brand admin adds a model mapping to the brand "
            "in the admin, or set BRANDKIT_MODEL_MAP (for example "
            f"BRANDKIT_MODEL_MAP={model_id}=seedream-5-5-261028). The table is on the Models page."
        )
        super().__init__(self.message)


def all_models() -> tuple[ModelCapabilities, ...]:
    return MODELS


def model_capabilities(model_id: str) -> ModelCapabilities:
    """The table entry for an id or one of its aliases; UnknownModel otherwise."""
    try:
        return _BY_ID[model_id]
    except KeyError:
        raise UnknownModel(model_id) from None


def configured_mappings() -> dict[str, str]:
    """`BRANDKIT_MODEL_MAP`: unknown id -> table id, for every brand."""
    return dict(getattr(settings, "BRANDKIT_MODEL_MAP", {}) or {})


def resolve_model(model_id: str, mappings: Mapping[str, str] | None = None) -> ModelCapabilities:
    """The capabilities to apply to `model_id`: its own entry, else the entry it is mapped to
    (`mappings` first, e.g. a brand's own, then `BRANDKIT_MODEL_MAP`). UnknownModel when none."""
    if model_id in _BY_ID:
        return _BY_ID[model_id]
    for source in (mappings or {}, configured_mappings()):
        target = source.get(model_id)
        if target:
            return model_capabilities(target)
    raise UnknownModel(model_id)


def job_timeout_seconds(
    model_id: str, *, default: int, mappings: Mapping[str, str] | None = None
) -> int:
    """How long a worker may spend on one request to this model: the model's own figure (its
    read timeout plus downloads and storage); `default` for an id the table cannot place."""
    try:
        return resolve_model(model_id, mappings).job_timeout
    except UnknownModel:
        return default


def read_timeout_seconds(model_id: str, mappings: Mapping[str, str] | None = None) -> float | None:
    """The HTTP read timeout for one request to this model, None when the id is unknown."""
    try:
        return resolve_model(model_id, mappings).read_timeout
    except UnknownModel:
        return None
