"""Forms of the brand library pages. They check the shape of input; services do the rest.

Uploaded images are not validated here: each file goes to `reference_pack_add_image`, which
validates it, so every file gets its own verdict and a refused file never stops the others.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from brandkit.choices import PackPurpose
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
