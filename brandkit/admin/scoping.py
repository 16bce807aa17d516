"""Per-brand scoping for the Django admin.

Brand admins are staff users without Django model permissions: what they may see and change in the
admin follows their Membership rows instead, so an admin of brand A never sees brand B there.
Superusers (platform operators) see everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from brandkit.choices import AuditVerb
from brandkit.models import Brand, PosterTemplate, ReferencePack
from brandkit.selectors import brand_ids_administered_by
from brandkit.services.audit import audit_record

SCOPED_FOREIGN_KEYS: dict[type[Model], str] = {
    Brand: "pk__in",
    ReferencePack: "brand_id__in",
    PosterTemplate: "brand_id__in",
}
# The default related filter lists every brand in the sidebar; this one lists only the brands of
# rows the user can already see (it asks the scoped get_queryset).
BRAND_LIST_FILTER = ("brand", admin.RelatedOnlyFieldListFilter)


def administered_brand_ids(request: HttpRequest) -> set[int]:
    """The brands the requesting user administers, computed once per request."""
    cached = getattr(request, "_administered_brand_ids", None)
    if cached is None:
        cached = brand_ids_administered_by(user=request.user)
        request._administered_brand_ids = cached  # type: ignore[attr-defined]
    return cached


def object_brand_id(obj: Model, brand_path: str) -> int | None:
    """Follow `brand_path` ("brand", "pack__brand", "pk" for Brand itself) to a brand id."""
    if brand_path == "pk":
        return obj.pk
    target: Any = obj
    for part in brand_path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target.pk


class BrandScopedAdminMixin:
    """Restricts a ModelAdmin or inline to objects of brands the user administers."""

    brand_path = "brand"

    def _may_touch(self, request: HttpRequest, obj: Model | None) -> bool:
        if request.user.is_superuser:
            return True
        brand_ids = administered_brand_ids(request)
        if obj is None or obj.pk is None:
            return bool(brand_ids)
        return object_brand_id(obj, self.brand_path) in brand_ids

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and self._may_touch(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_touch(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_touch(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_touch(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_touch(request, obj)

    # Every admin change to a brand's data also goes to the brand's audit log (Django's own
    # LogEntry is not shown to brand admins): budget changes, members, palette, fonts, ...
    def _audit(self, request: HttpRequest, obj: Model, verb: AuditVerb, message: Any) -> None:
        brand_id = object_brand_id(obj, self.brand_path)
        if brand_id is None:
            return
        audit_record(
            brand_id=brand_id,
            verb=verb,
            subject=obj,
            actor=request.user,
            campaign_id=obj.pk if obj._meta.label_lower == "projects.campaign" else None,
            data={"change": message} if message else {},
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, obj, AuditVerb.ADMIN_ADDED, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, obj, AuditVerb.ADMIN_CHANGED, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            self._audit(request, obj, AuditVerb.ADMIN_DELETED, "")
        return super().log_deletions(request, queryset)  # type: ignore[misc]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        lookup = "pk__in" if self.brand_path == "pk" else f"{self.brand_path}__in"
        return queryset.filter(**{lookup: administered_brand_ids(request)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        lookup = SCOPED_FOREIGN_KEYS.get(db_field.related_model)
        if lookup and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                **{lookup: administered_brand_ids(request)}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class BrandScopedInlineMixin(BrandScopedAdminMixin):
    """For inlines the parent object decides: the inline's rows belong to the parent's brand.

    `brand_path` leads from an inline row to its brand (for the queryset); `parent_brand_path`
    from the parent object (for the permission checks).
    """

    parent_brand_path = "brand"

    def _may_touch(self, request: HttpRequest, obj: Model | None) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(administered_brand_ids(request))
        return object_brand_id(obj, self.parent_brand_path) in administered_brand_ids(request)


def thumbnail_html(url: str | None, *, size: int = 64, alt: str = "") -> str:
    from django.utils.html import format_html

    if not url:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="max-width:{}px;max-height:{}px;border-radius:4px">',
        url,
        alt,
        size,
        size,
    )


admin.site.site_header = "Brandkit administration"
admin.site.site_title = "Brandkit"
admin.site.index_title = "Brand library curation"
