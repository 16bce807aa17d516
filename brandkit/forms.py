"""Forms of the brand library pages. They check the shape of input; services do the rest.

Uploaded images are not validated here: each file goes to `reference_pack_add_image`, which
validates it, so every file gets its own verdict and a refused file never stops the others.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from brandkit.choices import (
    ColorRole,
    FontRole,
    LogoAnchor,
    LogoVariant,
    PackPurpose,
    TextAlignment,
    TextRendering,
)
from brandkit.images import SUPPORTED_FORMATS
from brandkit.models import MAX_IMAGES_PER_PACK

IMAGE_ACCEPT = ",".join(f"image/{name.lower()}" for name in SUPPORTED_FORMATS)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type="file" multiple>`, cleaned to a list.

    Only the count is checked: an empty or unreadable file is the service's to refuse, next to
    its name, rather than a form error that would refuse the good files too.
    """

    widget = MultipleFileInput

    def __init__(self, *, max_files: int, **kwargs: Any) -> None:
        self.max_files = max_files
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        files = [item for item in items if isinstance(item, UploadedFile)]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_files:
            raise forms.ValidationError(
                f"Choose at most {self.max_files} files at once.", code="max_files"
            )
        return files


class ReferencePackCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    purpose = forms.ChoiceField(
        choices=PackPurpose.choices,
        help_text="What Seedream should keep consistent with these images.",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Description"
    )


class ReferenceImageUploadForm(forms.Form):
    images = MultipleFileField(
        max_files=MAX_IMAGES_PER_PACK,
        label="Add images",
        error_messages={"required": "Choose one or more image files (PNG, JPEG or WebP)."},
        widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}),
    )


class ReferenceImageCaptionForm(forms.Form):
    """One image's caption; prefixed with the image id so every field on the page is unique."""

    caption = forms.CharField(max_length=200, required=False)


class ImageMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("earlier", "Earlier"), ("later", "Later")])


MAX_CANVAS_SIDE = 8192


class PosterTemplateCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    prompt_template = forms.CharField(
        label="Prompt",
        max_length=2000,
        initial="A product photo of {product}",
        help_text="Use {slot} variables for the text slots the model should know about.",
    )


def _side(label: str, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=16, max_value=MAX_CANVAS_SIDE, **kwargs)


class TemplateDesignForm(forms.Form):
    """The template-wide fields of the poster designer."""

    prompt_template = forms.CharField(
        label="Prompt", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    text_rendering = forms.ChoiceField(label="Text by default", choices=TextRendering.choices)
    canvas_width = _side("Canvas width")
    canvas_height = _side("Canvas height")
    safe_inset = forms.IntegerField(label="Safe area inset (px)", min_value=0, initial=0)
    focal_x = forms.FloatField(label="Focal point x (0-1)", min_value=0, max_value=1)
    focal_y = forms.FloatField(label="Focal point y (0-1)", min_value=0, max_value=1)
    logo_variant = forms.ChoiceField(
        label="Logo", choices=[("", "No logo"), *LogoVariant.choices], required=False
    )
    logo_box_x = forms.IntegerField(label="Logo x", min_value=0, required=False)
    logo_box_y = forms.IntegerField(label="Logo y", min_value=0, required=False)
    logo_box_width = forms.IntegerField(label="Logo width", min_value=1, required=False)
    logo_box_height = forms.IntegerField(label="Logo height", min_value=1, required=False)
    logo_anchor = forms.ChoiceField(label="Logo anchor", choices=LogoAnchor.choices)
    export_sizes = forms.CharField(
        label="Export presets",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line: name, width, height (e.g. Story, 1080, 1920).",
    )
    preview_version = forms.IntegerField(
        label="Preview over version id", required=False, min_value=1
    )

    def clean_export_sizes(self) -> list[dict[str, object]]:
        presets: list[dict[str, object]] = []
        for number, line in enumerate(self.cleaned_data["export_sizes"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.rsplit(",", 2)]
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                raise forms.ValidationError(
                    f"Line {number}: write a preset as “name, width, height”."
                )
            width, height = int(parts[1]), int(parts[2])
            if not (16 <= width <= MAX_CANVAS_SIDE and 16 <= height <= MAX_CANVAS_SIDE):
                raise forms.ValidationError(
                    f"Line {number}: sides must be 16 to {MAX_CANVAS_SIDE} pixels."
                )
            presets.append({"name": parts[0][:60] or "Preset", "width": width, "height": height})
        return presets

    @staticmethod
    def presets_text(presets: list[dict[str, Any]]) -> str:
        return "\n".join(f"{p['name']}, {p['width']}, {p['height']}" for p in presets)


class SlotDesignForm(forms.Form):
    """One text slot of the designer, with a sample value used only by the live preview."""

    key = forms.SlugField(max_length=40)
    label = forms.CharField(max_length=80)
    rendering = forms.ChoiceField(
        choices=[("", "Template default"), *TextRendering.choices], required=False
    )
    box_x = forms.IntegerField(min_value=0)
    box_y = forms.IntegerField(min_value=0)
    box_width = forms.IntegerField(min_value=1)
    box_height = forms.IntegerField(min_value=1)
    font_role = forms.ChoiceField(choices=FontRole.choices)
    color_role = forms.ChoiceField(choices=ColorRole.choices)
    alignment = forms.ChoiceField(choices=TextAlignment.choices)
    min_font_size = forms.IntegerField(min_value=1, max_value=2000)
    max_font_size = forms.IntegerField(min_value=1, max_value=2000)
    max_characters = forms.IntegerField(min_value=1, max_value=2000)
    max_lines = forms.IntegerField(min_value=1, max_value=20)
    sample = forms.CharField(required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("min_font_size", 0) > data.get("max_font_size", 10**6):
            raise forms.ValidationError("The smallest size is larger than the largest.")
        return data


SlotDesignFormSet = forms.formset_factory(SlotDesignForm, extra=0, can_delete=True, max_num=30)
