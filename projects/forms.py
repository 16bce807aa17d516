"""Forms of the campaign pages. They turn input into a GenerationInput; services do the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from brandkit.choices import ProviderName, VersionStatus
from brandkit.models import PosterTemplate, ReferenceImage, ReferencePack
from projects.choices import Decision, GenerationMode, WebhookEvent
from projects.models import AssetVersion, Campaign
from projects.providers.catalog import (
    DEFAULT_MODEL_ID,
    PRESET_PIXELS,
    ModelCapabilities,
    UnknownModel,
    all_models,
    resolve_model,
)
from projects.selectors.providers import providers_without_key
from projects.services.generation_requests import MAX_VARIANTS, GenerationInput

MAX_GROUP_IMAGES = max(model.max_outputs for model in all_models())

# Seedream's recommended sizes (seedream-api.md §1.2) plus the presets that let it choose; the
# form shows those the chosen model takes (data attributes read by static/js/campaign.js) and
# the service refuses the others.
SIZE_CHOICES = [
    ("2048x2048", "Square 1:1 — 2048×2048"),
    ("2304x1728", "Landscape 4:3 — 2304×1728"),
    ("1728x2304", "Portrait 3:4 — 1728×2304"),
    ("2560x1440", "Wide 16:9 — 2560×1440"),
    ("1440x2560", "Story 9:16 — 1440×2560"),
    ("2496x1664", "Landscape 3:2 — 2496×1664"),
    ("1664x2496", "Portrait 2:3 — 1664×2496"),
    ("3024x1296", "Panorama 21:9 — 3024×1296"),
    ("1K", "1K, model picks the shape"),
    ("1.5K", "1.5K, model picks the shape"),
    ("2K", "2K, model picks the shape"),
    ("3K", "3K, model picks the shape"),
    ("4K", "4K, model picks the shape"),
]
OUTPUT_FORMAT_CHOICES = [("", "Model default"), ("png", "PNG"), ("jpeg", "JPEG")]
BACKGROUND_CHOICES = [
    ("", "Model default"),
    ("auto", "Auto"),
    ("opaque", "Opaque"),
    ("transparent", "Transparent"),
]


def model_data_attributes(model: ModelCapabilities) -> dict[str, str]:
    """What the form needs to show only what `model` supports (read by campaign.js)."""
    return {
        "data-sizes": " ".join(model.size_presets),
        "data-min-pixels": str(model.min_pixels),
        "data-max-pixels": str(model.max_pixels),
        "data-default-size": model.default_size,
        "data-max-outputs": str(model.max_outputs),
        "data-max-references": str(model.max_references),
        "data-output-formats": " ".join(model.output_formats),
        "data-backgrounds": " ".join(model.backgrounds),
        "data-max-prompt": str(model.max_prompt_characters),
    }


def model_choice_label(model: ModelCapabilities) -> str:
    """What the model can do and its lowest price, in the option's words (details: /models/)."""
    from projects.pricing import price_basis

    groups = f"groups of up to {model.max_outputs}" if model.makes_groups else "one image"
    cheapest = min(
        Decimal(price_basis(provider="ark", model_id=model.id, size=size).per_image)
        for size in model.size_presets
    )
    parts = [
        model.label,
        groups,
        f"{model.max_references} references",
        "/".join(model.size_presets),
    ]
    if "transparent" in model.backgrounds:
        parts.append("transparent")
    parts.append(f"from ${cheapest}")
    return " · ".join(parts)


def size_fits(size: str, model: ModelCapabilities) -> bool:
    """True when the form may offer `size` for `model` (a preset it has, pixels in its range)."""
    if size in PRESET_PIXELS:
        return size in model.size_presets
    width, _, height = size.partition("x")
    return model.min_pixels <= int(width) * int(height) <= model.max_pixels


class ModelSelect(forms.Select):
    """A select whose options carry extra attributes per value: each model's capabilities as
    data attributes, or `disabled` on a provider that has no key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_data: dict[str, dict[str, Any]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> ModelSelect:
        # Widget.__deepcopy__ copies only `attrs` and `choices`: without this every form would
        # share (and overwrite) the class-level field's option data.
        copied = super().__deepcopy__(memo)
        copied.option_data = {key: dict(value) for key, value in self.option_data.items()}
        return copied

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


class ReferenceImageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ReferenceImage) -> str:
        return f"{obj.pack.name} v{obj.pack.version} #{obj.position + 1}"


class VersionPickerInput(forms.TextInput):
    """The source version as its id, typed or picked from suggestions that campaign.js fetches
    as the user types (a select of every version would hold tens of thousands of options)."""

    def __init__(self) -> None:
        super().__init__(
            attrs={
                "list": "source-version-options",
                "autocomplete": "off",
                "placeholder": "Type an asset title or v2",
                "data-version-picker": "",
            }
        )


class GenerationForm(forms.Form):
    """Ask for images inside a campaign: a template with its slots, or a free prompt."""

    mode = forms.ChoiceField(choices=GenerationMode.choices, initial=GenerationMode.TEXT_TO_IMAGE)
    poster_template = forms.ModelChoiceField(
        queryset=PosterTemplate.objects.none(), required=False, empty_label="No template"
    )
    prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="With a template, added after the template's prompt.",
    )
    reference_pack = forms.ModelChoiceField(
        queryset=ReferencePack.objects.none(), required=False, empty_label="No pack"
    )
    reference_images = ReferenceImageChoiceField(
        queryset=ReferenceImage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Single images to add after the pack's (10 in all at most).",
    )
    source_version = forms.ModelChoiceField(
        queryset=AssetVersion.objects.none(),
        required=False,
        widget=VersionPickerInput(),
        help_text="Edit mode: the version to change (its id, or search). Its image is sent first.",
        error_messages={"invalid_choice": "Pick a version of this campaign from the list."},
    )
    size = forms.ChoiceField(choices=SIZE_CHOICES, initial="2048x2048")
    group_size = forms.IntegerField(
        min_value=1,
        max_value=MAX_GROUP_IMAGES,
        initial=4,
        help_text="Group mode: up to this many consistent images in one request.",
    )
    variants = forms.IntegerField(
        min_value=1, max_value=MAX_VARIANTS, initial=1, help_text="Separate requests, each tracked."
    )
    provider = forms.ChoiceField(choices=ProviderName.choices, widget=ModelSelect)
    model = forms.ChoiceField(
        required=False,
        widget=ModelSelect,
        help_text="What each model can do and costs is on the Models page.",
    )
    output_format = forms.ChoiceField(choices=OUTPUT_FORMAT_CHOICES, required=False)
    background = forms.ChoiceField(
        choices=BACKGROUND_CHOICES,
        required=False,
        help_text="Transparent comes back as a PNG with alpha.",
    )
    watermark = forms.BooleanField(
        required=False, initial=True, help_text="The provider's “AI generated” mark."
    )
    seed = forms.IntegerField(required=False, min_value=0, max_value=2_147_483_647)

    def __init__(
        self, *args: Any, campaign: Campaign, template: PosterTemplate | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        brand = campaign.brand
        self.fields["poster_template"].queryset = PosterTemplate.objects.filter(
            brand=brand, status=VersionStatus.PUBLISHED
        )
        self.fields["reference_pack"].queryset = ReferencePack.objects.filter(
            brand=brand, status=VersionStatus.PUBLISHED
        )
        self.fields["reference_images"].queryset = (
            ReferenceImage.objects.filter(pack__brand=brand, pack__status=VersionStatus.PUBLISHED)
            .select_related("pack")
            .order_by("pack__name", "-pack__version", "position")
        )
        self.fields["source_version"].queryset = AssetVersion.objects.filter(
            asset__campaign=campaign
        ).select_related("asset")
        self._set_provider_choices(brand)
        self._set_model_choices(brand)
        self.template = template
        if template is not None:
            self.fields["poster_template"].initial = template.pk
            self.fields["reference_pack"].initial = template.default_reference_pack_id
            for slot in template.text_slots.all():
                self.fields[f"slot_{slot.key}"] = forms.CharField(
                    label=slot.label,
                    max_length=slot.max_characters,
                    help_text=f"At most {slot.max_characters} characters.",
                )

    @property
    def reference_image_groups(self) -> dict[str, list[tuple[Any, list[Any]]]]:
        """The picker's choices by pack: `current` holds the newest published version of each
        pack, `older` the versions it replaced (shown behind a toggle; v1's images used to
        repeat under v2)."""
        groups: dict[str, list[tuple[Any, list[Any]]]] = {"current": [], "older": []}
        newest: dict[str, int] = {}
        by_pack: dict[int, tuple[Any, list[Any]]] = {}
        for choice in self["reference_images"]:
            pack = choice.data["value"].instance.pack
            newest[pack.name] = max(newest.get(pack.name, 0), pack.version)
            by_pack.setdefault(pack.pk, (pack, []))[1].append(choice)
        for pack, choices in by_pack.values():
            key = "current" if pack.version == newest[pack.name] else "older"
            groups[key].append((pack, choices))
        return groups

    @property
    def slot_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("slot_")]

    def _set_provider_choices(self, brand: Any) -> None:
        """Providers without a key stay listed, disabled, with the reason in their label; the
        brand's default is preselected unless it is one of them."""
        self.unavailable_providers = providers_without_key(brand=brand)
        widget = self.fields["provider"].widget
        choices = []
        for value, label in ProviderName.choices:
            reason = self.unavailable_providers.get(value)
            if reason:
                widget.option_data[value] = {"disabled": True}
                label = f"{label} ({reason})"
            choices.append((value, label))
        self.fields["provider"].choices = choices
        default = brand.default_provider
        if default in self.unavailable_providers:
            default = next(v for v, _ in choices if v not in self.unavailable_providers)
        self.fields["provider"].initial = default

    def _set_model_choices(self, brand: Any) -> None:
        """The table's models and the brand's mapped ids, each option carrying what its model
        can do; the blank choice is the brand default (or the table's seed model)."""
        from brandkit.selectors import brand_model_mappings

        mappings = brand_model_mappings(brand=brand)
        default_id = brand.default_model or DEFAULT_MODEL_ID
        try:
            default = resolve_model(default_id, mappings)
        except UnknownModel:
            default = resolve_model(DEFAULT_MODEL_ID)
        choices: list[tuple[str, str]] = [("", f"Brand default ({default_id})")]
        widget = self.fields["model"].widget
        widget.option_data[""] = model_data_attributes(default)
        for model in all_models():
            choices.append((model.id, model_choice_label(model)))
            widget.option_data[model.id] = model_data_attributes(model)
        for model_id, target in sorted(mappings.items()):
            mapped = resolve_model(target)
            choices.append((model_id, f"{model_id} (as {mapped.label})"))
            widget.option_data[model_id] = model_data_attributes(mapped)
        self.fields["model"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == GenerationMode.EDIT and not data.get("source_version"):
            self.add_error("source_version", "Edit mode needs a version to edit.")
        reason = self.unavailable_providers.get(data.get("provider", ""))
        if reason:
            self.add_error("provider", f"{data['provider']} cannot be used: {reason}.")
        return data

    def to_input(self) -> GenerationInput:
        data = self.cleaned_data
        template = data.get("poster_template")
        pack = data.get("reference_pack")
        source = data.get("source_version")
        return GenerationInput(
            campaign_id=self.campaign.pk,
            mode=data["mode"],
            prompt=data.get("prompt", ""),
            poster_template_id=template.pk if template else None,
            slot_values={
                name.removeprefix("slot_"): value
                for name, value in data.items()
                if name.startswith("slot_")
            },
            reference_pack_id=pack.pk if pack else None,
            reference_image_ids=tuple(image.pk for image in data.get("reference_images") or ()),
            source_version_id=source.pk if source else None,
            size=data["size"],
            group_size=data["group_size"] if data["mode"] == GenerationMode.GROUP else 1,
            variants=data["variants"],
            provider=data["provider"],
            watermark=data.get("watermark", False),
            seed=data.get("seed"),
            model=data.get("model") or "",
            output_format=data.get("output_format") or "",
            background=data.get("background") or "",
        )


class SubmitForm(forms.Form):
    """Submit one version of an asset for review."""

    version = forms.ModelChoiceField(queryset=AssetVersion.objects.none(), empty_label=None)

    def __init__(self, *args: Any, asset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The approved version is never offered again: it is already approved.
        self.fields["version"].queryset = asset.versions.exclude(
            pk=asset.approved_version_id or 0
        ).order_by("-number")
        self.fields["version"].initial = asset.latest_version_id
        self.fields["version"].label_from_instance = lambda version: f"Version {version.number}"


class DecisionForm(forms.Form):
    """A reviewer's decision on the version shown (its id travels with the form)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required to request changes or reject.",
    )


class EditFromVersionForm(forms.Form):
    """Iterate: a new edit-mode generation with this version as its first reference."""

    instruction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What to change, e.g. “make the background warmer, keep the bottle”.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WebhookEndpointForm(forms.Form):
    """A brand admin's webhook endpoint: where, which events, and whether it is on."""

    url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        help_text="Must resolve to a public address; it is checked again at every delivery.",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")
