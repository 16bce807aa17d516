"""Admin forms whose uploads are validated by the brand library's image and font checks.

Validation happens in `clean_upload`, so a refused file is a form error next to the field and
nothing is saved; the services repeat the checks when they store.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from brandkit.fonts import FontRejected, validate_font_upload
from brandkit.images import ImageRejected, validate_image_upload
from brandkit.models import BrandFont, BrandLogo, ReferenceImage


def read_upload(upload: UploadedFile, *, max_bytes: int) -> bytes:
    """Read an upload, refusing before reading it all when it is larger than the limit."""
    if upload.size is not None and upload.size > max_bytes:
        raise forms.ValidationError(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; "
            f"the limit is {max_bytes / (1024 * 1024):.0f} MB."
        )
    return upload.read(max_bytes + 1)


class UploadFormMixin(forms.ModelForm):
    """A ModelForm with an `upload` file field checked by `validate_upload`.

    A new row must come with a file; an existing row may keep its file. `clean_upload` returns
    the raw bytes for the admin to hand to a service.
    """

    upload = forms.FileField(required=False)
    missing_upload_message = "Choose a file."

    def max_upload_bytes(self) -> int:
        return settings.MAX_UPLOAD_BYTES

    def validate_upload(self, data: bytes) -> None:
        raise NotImplementedError

    def clean_upload(self) -> bytes | None:
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if self.instance.pk is None and self.has_changed():
                raise forms.ValidationError(self.missing_upload_message)
            return None
        data = read_upload(upload, max_bytes=self.max_upload_bytes())
        try:
            self.validate_upload(data)
        except (ImageRejected, FontRejected) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class ReferenceImageForm(UploadFormMixin):
    # Not the model's `position`: reordering swaps positions, which row-by-row model validation
    # would refuse as duplicates. The admin hands the whole order to reference_pack_reorder.
    order = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Order in the pack; Seedream receives references in this order.",
    )
    missing_upload_message = "Choose an image file to add (PNG, JPEG or WebP)."

    class Meta:
        model = ReferenceImage
        fields = ["caption"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["order"].initial = self.instance.position

    def validate_upload(self, data: bytes) -> None:
        validate_image_upload(
            data, max_bytes=settings.MAX_UPLOAD_BYTES, max_pixels=settings.MAX_UPLOAD_PIXELS
        )


class BrandLogoForm(UploadFormMixin):
    missing_upload_message = "Choose a PNG logo file."

    class Meta:
        model = BrandLogo
        fields = ["variant"]

    def validate_upload(self, data: bytes) -> None:
        validate_image_upload(
            data,
            max_bytes=settings.MAX_UPLOAD_BYTES,
            max_pixels=settings.MAX_UPLOAD_PIXELS,
            allowed_formats=("PNG",),
        )


class BrandFontForm(UploadFormMixin):
    missing_upload_message = "Choose a TrueType (.ttf) or OpenType (.otf) font file."

    class Meta:
        model = BrandFont
        fields = ["role"]

    def max_upload_bytes(self) -> int:
        return settings.MAX_FONT_BYTES

    def validate_upload(self, data: bytes) -> None:
        validate_font_upload(data, max_bytes=settings.MAX_FONT_BYTES)
