"""Admin for reference packs: images inline with thumbnails, ordering, validated uploads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.html import format_html_join

from brandkit.admin.forms import ReferenceImageForm, ReferenceImageFormSet
from brandkit.admin.scoping import BRAND_LIST_FILTER, BrandScopedInlineMixin, thumbnail_html
from brandkit.admin.versioned import DraftOnlyInlineMixin, VersionedAdminMixin
from brandkit.models import MAX_IMAGES_PER_PACK, ReferenceImage, ReferencePack
from brandkit.services.reference_packs import (
    reference_pack_add_image,
    reference_pack_archive,
    reference_pack_create,
    reference_pack_new_version,
    reference_pack_publish,
    reference_pack_remove_image,
    reference_pack_reorder,
)
from brandkit.thumbnails import thumbnail_url


class ReferenceImageInline(DraftOnlyInlineMixin, BrandScopedInlineMixin, admin.TabularInline):
    model = ReferenceImage
    form = ReferenceImageForm
    formset = ReferenceImageFormSet
    brand_path = "pack__brand"
    extra = 1
    max_num = MAX_IMAGES_PER_PACK
    ordering = ["position"]
    fields = ["preview", "order", "upload", "caption", "width", "height", "format", "sha256"]
    readonly_fields = ["preview", "position", "width", "height", "format", "short_sha256"]
    frozen_fields = ["preview", "position", "caption", "width", "height", "format", "short_sha256"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A published pack shows what it holds; the upload and order inputs would only say None.
        if obj is not None and not obj.is_editable:
            return self.frozen_fields
        return [name if name != "sha256" else "short_sha256" for name in self.fields]

    @admin.display(description="sha256")
    def short_sha256(self, obj: ReferenceImage) -> str:
        return f"{obj.sha256[:12]}…" if obj.sha256 else "—"

    @admin.display(description="Image")
    def preview(self, obj: ReferenceImage) -> str:
        if not obj.pk:
            return "—"
        url = thumbnail_url(source_name=obj.file.name, sha256=obj.sha256, max_side=128)
        return thumbnail_html(url, size=96, alt=obj.caption or str(obj))


@admin.register(ReferencePack)
class ReferencePackAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version", "status", "brand", "purpose", "image_count", "strip"]
    list_filter = [BRAND_LIST_FILTER, "status", "purpose"]
    search_fields = ["name", "description", "images__caption"]
    ordering = ["brand__name", "name", "-version"]
    inlines = [ReferenceImageInline]
    fields = ["brand", "name", "purpose", "description", "version", "status", "published_at"]
    readonly_fields = ["version", "status", "published_at"]

    publish_service = staticmethod(lambda pack, user: reference_pack_publish(pack=pack, user=user))
    archive_service = staticmethod(lambda pack, user: reference_pack_archive(pack=pack, user=user))
    new_version_service = staticmethod(lambda pack: reference_pack_new_version(pack=pack))

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("brand")
            .annotate(image_total=Count("images"))
            .prefetch_related("images")
        )

    @admin.display(description="Images", ordering="image_total")
    def image_count(self, obj: ReferencePack) -> int:
        return obj.image_total  # type: ignore[attr-defined]

    @admin.display(description="Preview")
    def strip(self, obj: ReferencePack) -> str:
        return format_html_join(
            "",
            "{}",
            (
                (
                    thumbnail_html(
                        thumbnail_url(source_name=i.file.name, sha256=i.sha256, max_side=128),
                        size=40,
                    ),
                )
                for i in list(obj.images.all())[:5]
            ),
        )

    def save_model(
        self, request: HttpRequest, obj: ReferencePack, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = reference_pack_create(
            brand=obj.brand, name=obj.name, purpose=obj.purpose, description=obj.description
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        """Every row goes through the pack services. Fills `new_objects`/`changed_objects`/
        `deleted_objects` as `formset.save()` would: the admin's change message reads them."""
        pack: ReferencePack = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        wanted: list[tuple[int, int, int]] = []  # (requested position, form order, image id)
        for order, inline_form in enumerate(formset.forms):
            if not inline_form.has_changed() and inline_form.instance.pk is None:
                continue
            if inline_form in formset.deleted_forms:
                if inline_form.instance.pk:
                    reference_pack_remove_image(image=inline_form.instance)
                    formset.deleted_objects.append(inline_form.instance)
                continue
            image = inline_form.instance
            data = inline_form.cleaned_data.get("upload")
            if image.pk is None:
                image = reference_pack_add_image(
                    pack=pack, data=data, caption=inline_form.cleaned_data.get("caption", "")
                )
                formset.new_objects.append(image)
            elif inline_form.changed_data:
                if "caption" in inline_form.changed_data:
                    image.caption = inline_form.cleaned_data["caption"]
                    image.save(update_fields=["caption"])
                formset.changed_objects.append((image, inline_form.changed_data))
            requested = inline_form.cleaned_data.get("order")
            wanted.append((image.position if requested is None else requested, order, image.pk))
        if wanted:
            reference_pack_reorder(pack=pack, image_ids=[pk for *_, pk in sorted(wanted)])
