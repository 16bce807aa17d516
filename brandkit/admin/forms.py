"""Admin forms whose uploads are validated by the brand library's image and font checks.

Validation happens in `clean_upload`, so a refused file is a form error next to the field and
nothing is saved; the services repeat the checks when they store.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile

from brandkit.exceptions import InvalidProviderCredential, InvalidTemplate
from brandkit.fonts import FontRejected, validate_font_upload
from brandkit.images import ImageRejected, ValidatedImage, validate_image_upload
from brandkit.models import (
    MAX_IMAGES_PER_PACK,
    BrandFont,
    BrandLogo,
    BrandProviderCredential,
    Membership,
    ReferenceImage,
)
from brandkit.services.poster_templates import prompt_variables
from brandkit.services.provider_credentials import provider_credential_clean


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
        self.validated_image: ValidatedImage | None = None
        if self.instance.pk is not None:
            self.fields["order"].initial = self.instance.position

    def validate_upload(self, data: bytes) -> None:
        self.validated_image = validate_image_upload(
            data, max_bytes=settings.MAX_UPLOAD_BYTES, max_pixels=settings.MAX_UPLOAD_PIXELS
        )


class ReferenceImageFormSet(forms.BaseInlineFormSet):
    """The checks one row cannot make alone, so they are form errors rather than service errors
    after part of the save: the pack's image limit and the same image twice."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if not getattr(form, "cleaned_data", {}).get("DELETE")
            and (form.instance.pk is not None or form.validated_image is not None)
        ]
        if len(kept) > MAX_IMAGES_PER_PACK:
            raise forms.ValidationError(
                f"A reference pack holds at most {MAX_IMAGES_PER_PACK} images, the most "
                "every Seedream model takes in one request; remove one first."
            )
        seen = {form.instance.sha256 for form in kept if form.instance.pk is not None}
        for form in kept:
            if form.instance.pk is None and form.validated_image is not None:
                if form.validated_image.sha256 in seen:
                    form.add_error("upload", "This image is already in the pack.")
                seen.add(form.validated_image.sha256)


class PosterTemplateForm(forms.ModelForm):
    """Refuses a prompt with malformed `{slot}` braces next to the field; saving it would make the
    service raise (on add) or store a prompt that can never be published (on change)."""

    def clean_prompt_template(self) -> str:
        prompt_template = self.cleaned_data["prompt_template"]
        try:
            prompt_variables(prompt_template)
        except InvalidTemplate as exc:
            raise forms.ValidationError(exc.message) from exc
        return prompt_template


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


class BrandProviderCredentialForm(forms.ModelForm):
    """A brand's override of one hosted provider. The API key is write-only: it is never rendered
    back (the page shows only its last characters), and leaving it blank keeps the stored key.
    The checks are the service's (`provider_credential_clean`), shown next to the fields."""

    base_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="https:// only. Blank: the provider's configured base URL.",
    )
    api_key = forms.CharField(
        label="API key",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only. Blank keeps the stored key (or, without one, the environment's).",
    )

    class Meta:
        model = BrandProviderCredential
        fields = ["provider", "base_url", "model"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A key entered for one provider must never become another provider's key.
            self.fields["provider"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if "provider" not in cleaned_data or "base_url" not in cleaned_data:
            return cleaned_data  # the field errors say enough
        try:
            provider_credential_clean(
                stored=self.instance if self.instance.pk is not None else None,
                provider=cleaned_data["provider"],
                api_key=cleaned_data.get("api_key"),
                base_url=cleaned_data["base_url"],
                model=cleaned_data.get("model") or "",
            )
        except InvalidProviderCredential as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned_data


class MembershipForm(forms.ModelForm):
    """A member is named by exact username: a brand admin must not be offered a list of every
    account on the platform (other brands' people included)."""

    username = forms.CharField(max_length=150, help_text="The member's exact username.")

    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["username"].initial = self.instance.user.get_username()

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                "No active account has this username; ask the person to sign up first, or check "
                "the spelling (it is case-sensitive)."
            )
        brand_id = self.instance.brand_id
        if (
            brand_id is not None
            and Membership.objects.filter(brand_id=brand_id, user=user)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError("This user is already a member of the brand.")
        self.instance.user = user
        return username
