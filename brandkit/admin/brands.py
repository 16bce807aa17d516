"""Admin for brands, with their palette, fonts, logos, members and provider overrides inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.debug import sensitive_post_parameters

from brandkit.admin.forms import (
    BrandFontForm,
    BrandLogoForm,
    BrandProviderCredentialForm,
    MembershipForm,
)
from brandkit.admin.scoping import BrandScopedAdminMixin, BrandScopedInlineMixin, thumbnail_html
from brandkit.models import (
    Brand,
    BrandColor,
    BrandFont,
    BrandLogo,
    BrandProviderCredential,
    Membership,
    ModelMapping,
)
from brandkit.models.provider_credentials import HOSTED_PROVIDER_CHOICES
from brandkit.services.brands import brand_create, brand_font_set, brand_logo_set
from brandkit.services.provider_credentials import (
    provider_credential_delete,
    provider_credential_set,
)
from brandkit.thumbnails import thumbnail_url
from projects.providers.catalog import UnknownModel, resolve_model


class BrandColorInline(BrandScopedInlineMixin, admin.TabularInline):
    model = BrandColor
    # Inlines of the brand page: the parent object is the Brand itself.
    parent_brand_path = "pk"
    extra = 0
    fields = ["swatch", "name", "hex", "role", "position"]
    readonly_fields = ["swatch"]
    ordering = ["position", "id"]

    @admin.display(description="")
    def swatch(self, obj: BrandColor) -> str:
        if not obj.hex:
            return ""
        return format_html(
            '<span title="{}" style="display:inline-block;width:28px;height:28px;'
            'border-radius:4px;border:1px solid #ccc;background:{}"></span>',
            obj.hex,
            obj.hex,
        )


class BrandFontInline(BrandScopedInlineMixin, admin.TabularInline):
    model = BrandFont
    parent_brand_path = "pk"
    form = BrandFontForm
    extra = 0
    fields = ["role", "family", "style", "upload", "file_hash"]
    readonly_fields = ["family", "style", "file_hash"]

    # The full 64-character hash made the brand page overflow at 1366 px; the first 12 characters
    # identify the file, and the whole hash is in the tooltip (and selectable).
    @admin.display(description="sha256")
    def file_hash(self, obj: BrandFont) -> str:
        if not obj.sha256:
            return "—"
        return format_html('<code title="{}">{}…</code>', obj.sha256, obj.sha256[:12])


class BrandLogoInline(BrandScopedInlineMixin, admin.TabularInline):
    model = BrandLogo
    parent_brand_path = "pk"
    form = BrandLogoForm
    extra = 0
    fields = ["preview", "variant", "upload", "width", "height"]
    readonly_fields = ["preview", "width", "height"]

    @admin.display(description="Logo")
    def preview(self, obj: BrandLogo) -> str:
        if not obj.pk:
            return "—"
        return thumbnail_html(
            thumbnail_url(source_name=obj.file.name, sha256=obj.sha256, max_side=128),
            alt=str(obj),
        )


class BrandProviderCredentialInline(BrandScopedInlineMixin, admin.TabularInline):
    """The brand's own base URL, API key and model per hosted provider (blank: the environment's).

    The key field is write-only; saving goes through `provider_credential_set` (see save_formset).
    """

    model = BrandProviderCredential
    form = BrandProviderCredentialForm
    extra = 0
    max_num = len(HOSTED_PROVIDER_CHOICES)
    # The parent object here is the Brand itself.
    parent_brand_path = "pk"
    fields = ["provider", "base_url", "model", "api_key", "stored_key"]
    readonly_fields = ["stored_key"]
    verbose_name = "provider override"
    verbose_name_plural = "provider overrides (blank fields use the environment's settings)"

    @admin.display(description="Stored key")
    def stored_key(self, obj: BrandProviderCredential) -> str:
        return obj.masked_key or "—"


class ModelMappingFormSet(BaseInlineFormSet):
    """The brand's mappings, checked together with its default model: an id the model table
    does not know and no mapping (here or in BRANDKIT_MODEL_MAP) names would be refused at every
    generation, so it is refused on save, with how to map it. The admin validates the brand's
    own fields first, so `self.instance` already carries the default model being saved."""

    def clean(self) -> None:
        super().clean()
        default_model = (self.instance.default_model or "").strip()
        if not default_model:
            return
        kept = {
            form.cleaned_data["model_id"]: form.cleaned_data["maps_to"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("model_id")
        }
        try:
            resolve_model(default_model, kept)
        except UnknownModel as exc:
            raise ValidationError(f"Default model: {exc.message}") from exc


class ModelMappingInline(BrandScopedInlineMixin, admin.TabularInline):
    """Model ids the model table lacks (ModelArk `ep-...` endpoints, newer builds), mapped to
    the table's model whose limits, prices and timeouts they get."""

    model = ModelMapping
    formset = ModelMappingFormSet
    parent_brand_path = "pk"
    extra = 0
    fields = ["model_id", "maps_to"]
    verbose_name = "model mapping"
    verbose_name_plural = "model mappings (ids not in the Models page's table)"


class MembershipInline(BrandScopedInlineMixin, admin.TabularInline):
    model = Membership
    form = MembershipForm
    parent_brand_path = "pk"
    extra = 0
    fields = ["username", "role"]


@admin.register(Brand)
class BrandAdmin(BrandScopedAdminMixin, admin.ModelAdmin):
    brand_path = "pk"
    list_display = ["name", "slug", "status", "palette", "default_provider", "updated_at"]
    list_filter = ["status", "default_provider"]
    search_fields = ["name", "slug", "guidelines"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [
        BrandColorInline,
        BrandFontInline,
        BrandLogoInline,
        MembershipInline,
        BrandProviderCredentialInline,
        ModelMappingInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status"]}),
        ("Guidelines", {"fields": ["guidelines", "voice"]}),
        ("Prompt rules", {"fields": ["prompt_prefix", "prompt_suffix", "forbidden_terms"]}),
        ("Generation defaults", {"fields": ["default_provider", "default_model"]}),
        ("Brand checks", {"fields": ["check_palette_delta_e", "check_palette_min_share"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("colors")

    @admin.display(description="Palette")
    def palette(self, obj: Brand) -> str:
        # format_html_join, never format_html over joined HTML: a colour named "{0}" would be
        # read as a format field (the admin list answered 500 for it).
        swatches = format_html_join(
            "",
            '<span title="{} {}" style="display:inline-block;width:16px;height:16px;'
            'margin-right:2px;border:1px solid #ccc;background:{}"></span>',
            ((color.name, color.hex, color.hex) for color in obj.colors.all()),
        )
        return swatches or "—"

    # The form carries provider API keys (provider_credentials-N-api_key): keep every POST value
    # out of error reports.
    @method_decorator(sensitive_post_parameters())
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Any staff user may start a brand; they become its admin (see save_model).
        return request.user.is_active and request.user.is_staff

    def save_model(self, request: HttpRequest, obj: Brand, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name not in ("name", "slug")
        }
        created = brand_create(name=obj.name, slug=obj.slug, created_by=request.user, **fields)
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        brand: Brand = form.instance
        if formset.model is BrandFont:
            self._save_uploads(
                formset,
                lambda f, data: brand_font_set(brand=brand, role=f.cleaned_data["role"], data=data),
            )
        elif formset.model is BrandLogo:
            self._save_uploads(
                formset,
                lambda f, data: brand_logo_set(
                    brand=brand, variant=f.cleaned_data["variant"], data=data
                ),
            )
        elif formset.model is BrandProviderCredential:
            self._save_provider_credentials(brand, formset)
        else:
            super().save_formset(request, form, formset, change)

    @staticmethod
    def _save_uploads(formset: BaseInlineFormSet, store: Any) -> None:
        """Deleted rows go; rows with a new file go through the brand services.

        Fills `new_objects`/`changed_objects`/`deleted_objects` as `formset.save()` would: the
        admin's change message reads them.
        """
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                if inline_form.instance.pk:
                    inline_form.instance.delete()
                    formset.deleted_objects.append(inline_form.instance)
                continue
            data = inline_form.cleaned_data.get("upload") if inline_form.has_changed() else None
            if data:
                is_new = inline_form.instance.pk is None
                stored = store(inline_form, data)
                if is_new:
                    formset.new_objects.append(stored)
                else:
                    formset.changed_objects.append((stored, ["upload"]))

    @staticmethod
    def _save_provider_credentials(brand: Brand, formset: BaseInlineFormSet) -> None:
        """Each changed row goes through provider_credential_set; a blank key keeps the stored one.

        The change message is built from `new_objects`/`changed_objects`/`deleted_objects`, which
        `formset.save()` would set; they name fields only, never the key.
        """
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_form in formset.deleted_forms:
                if instance.pk:
                    provider_credential_delete(credential=instance)
                    formset.deleted_objects.append(instance)
                continue
            if not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            credential = provider_credential_set(
                brand=brand,
                provider=data["provider"],
                api_key=data.get("api_key") or None,
                base_url=data.get("base_url") or "",
                model=data.get("model") or "",
            )
            if instance.pk:
                formset.changed_objects.append((credential, inline_form.changed_data))
            else:
                formset.new_objects.append(credential)
