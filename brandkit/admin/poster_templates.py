"""Admin for poster templates, with their text slots inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from brandkit.admin.forms import PosterTemplateForm
from brandkit.admin.scoping import BRAND_LIST_FILTER, BrandScopedInlineMixin
from brandkit.admin.versioned import DraftOnlyInlineMixin, VersionedAdminMixin
from brandkit.models import PosterTemplate, TemplateTextSlot
from brandkit.services.poster_templates import (
    SLOT_FIELDS,
    poster_template_archive,
    poster_template_create,
    poster_template_new_version,
    poster_template_publish,
)


class TemplateTextSlotInline(DraftOnlyInlineMixin, BrandScopedInlineMixin, admin.TabularInline):
    model = TemplateTextSlot
    brand_path = "template__brand"
    extra = 0
    ordering = ["position", "id"]
    fields = ["position", *(name for name in SLOT_FIELDS if name != "position")]


@admin.register(PosterTemplate)
class PosterTemplateAdmin(VersionedAdminMixin, admin.ModelAdmin):
    form = PosterTemplateForm
    list_display = ["name", "version", "status", "brand", "canvas", "text_rendering", "updated_at"]
    list_filter = [BRAND_LIST_FILTER, "status", "text_rendering"]
    search_fields = ["name", "description", "prompt_template"]
    ordering = ["brand__name", "name", "-version"]
    inlines = [TemplateTextSlotInline]
    readonly_fields = ["version", "status", "published_at"]
    fieldsets = [
        (None, {"fields": ["brand", "name", "description", "version", "status", "published_at"]}),
        (
            "Canvas",
            {
                "fields": [
                    "canvas_width",
                    "canvas_height",
                    "safe_inset",
                    ("focal_x", "focal_y"),
                    "export_sizes",
                ]
            },
        ),
        ("Prompt", {"fields": ["prompt_template", "default_reference_pack", "text_rendering"]}),
        (
            "Logo slot",
            {
                "fields": [
                    "logo_variant",
                    ("logo_box_x", "logo_box_y", "logo_box_width", "logo_box_height"),
                    "logo_anchor",
                ]
            },
        ),
    ]

    publish_service = staticmethod(
        lambda template, user: poster_template_publish(template=template, user=user)
    )
    archive_service = staticmethod(
        lambda template, user: poster_template_archive(template=template, user=user)
    )
    new_version_service = staticmethod(
        lambda template: poster_template_new_version(template=template)
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("brand")

    @admin.display(description="Canvas")
    def canvas(self, obj: PosterTemplate) -> str:
        return f"{obj.canvas_width}x{obj.canvas_height}"

    def save_model(
        self, request: HttpRequest, obj: PosterTemplate, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("brand", "name", "prompt_template")
        }
        created = poster_template_create(
            brand=obj.brand, name=obj.name, prompt_template=obj.prompt_template, **fields
        )
        obj.pk = created.pk
        obj._state.adding = False
