"""Admin for brands, with their palette, fonts, logos and members inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.html import format_html

from brandkit.admin.forms import BrandFontForm, BrandLogoForm
from brandkit.admin.scoping import BrandScopedAdminMixin, BrandScopedInlineMixin, thumbnail_html
from brandkit.models import Brand, BrandColor, BrandFont, BrandLogo, Membership
from brandkit.services.brands import brand_create, brand_font_set, brand_logo_set
from brandkit.thumbnails import thumbnail_url


class BrandColorInline(BrandScopedInlineMixin, admin.TabularInline):
    model = BrandColor
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
    form = BrandFontForm
    extra = 0
    fields = ["role", "family", "style", "upload", "sha256"]
    readonly_fields = ["family", "style", "sha256"]


class BrandLogoInline(BrandScopedInlineMixin, admin.TabularInline):
    model = BrandLogo
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


class MembershipInline(BrandScopedInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields: list[str] = []


@admin.register(Brand)
class BrandAdmin(BrandScopedAdminMixin, admin.ModelAdmin):
    brand_path = "pk"
    list_display = ["name", "slug", "status", "palette", "default_provider", "updated_at"]
    list_filter = ["status", "default_provider"]
    search_fields = ["name", "slug", "guidelines"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BrandColorInline, BrandFontInline, BrandLogoInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status"]}),
        ("Guidelines", {"fields": ["guidelines", "voice"]}),
        ("Prompt rules", {"fields": ["prompt_prefix", "prompt_suffix", "forbidden_terms"]}),
        ("Generation defaults", {"fields": ["default_provider", "default_model"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("colors")

    @admin.display(description="Palette")
    def palette(self, obj: Brand) -> str:
        swatches = "".join(
            format_html(
                '<span title="{} {}" style="display:inline-block;width:16px;height:16px;'
                'margin-right:2px;border:1px solid #ccc;background:{}"></span>',
                color.name,
                color.hex,
                color.hex,
            )
            for color in obj.colors.all()
        )
        return format_html("{}", format_html(swatches)) if swatches else "—"

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
        else:
            super().save_formset(request, form, formset, change)

    @staticmethod
    def _save_uploads(formset: BaseInlineFormSet, store: Any) -> None:
        """Deleted rows go; rows with a new file go through the brand services."""
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                if inline_form.instance.pk:
                    inline_form.instance.delete()
                continue
            data = inline_form.cleaned_data.get("upload") if inline_form.has_changed() else None
            if data:
                store(inline_form, data)
