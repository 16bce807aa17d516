"""What the reference pack and poster template admins share: read-only once published, and the
publish / new version / archive actions that call the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from brandkit.admin.scoping import BrandScopedAdminMixin
from brandkit.exceptions import BrandkitError


class VersionedAdminMixin(BrandScopedAdminMixin):
    """Drafts are edited in place; published and archived versions are read-only.

    Subclasses name their services: `publish_service(obj, user)`, `archive_service(obj, user)`,
    `new_version_service(obj)`.
    """

    publish_service: Callable[..., Any]
    archive_service: Callable[..., Any]
    new_version_service: Callable[..., Any]
    change_form_template = "admin/brandkit/versioned_change_form.html"
    actions = ["publish_selected", "archive_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The brand and name identify the pack or template across versions; fixed once created.
        fixed = list(self.readonly_fields)  # type: ignore[attr-defined]
        return [*fixed, "brand", "name"] if obj else fixed

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and getattr(obj, "status", "draft") != "draft":
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Published versions are referenced by generations; only drafts can be deleted.
        if obj is not None and getattr(obj, "status", "draft") != "draft":
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self) -> list[Any]:
        info = self.model._meta.app_label, self.model._meta.model_name  # type: ignore[attr-defined]
        own = [
            path(
                "<int:object_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),  # type: ignore[attr-defined]
                name="{}_{}_new_version".format(*info),
            ),
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),  # type: ignore[attr-defined]
                name="{}_{}_publish".format(*info),
            ),
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def _change_url(self, obj: Model) -> str:
        info = obj._meta.app_label, obj._meta.model_name
        return reverse("admin:{}_{}_change".format(*info), args=[obj.pk])

    def _get_scoped(self, request: HttpRequest, object_id: int) -> Model:
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def new_version_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        obj = self._get_scoped(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(obj))
        draft = self.new_version_service(obj)
        messages.success(request, f"{draft} is a new draft; edit it and publish it when ready.")
        return HttpResponseRedirect(self._change_url(draft))

    def publish_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        obj = self._get_scoped(request, object_id)
        if request.method == "POST":
            self._run(request, lambda: self.publish_service(obj, request.user), "published")
        return HttpResponseRedirect(self._change_url(obj))

    def _run(self, request: HttpRequest, call: Callable[[], Any], verb: str) -> None:
        try:
            result = call()
        except BrandkitError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{result} {verb}.")

    @admin.action(description="Publish selected drafts")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._run(request, lambda obj=obj: self.publish_service(obj, request.user), "published")

    @admin.action(description="Archive selected published versions")
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._run(request, lambda obj=obj: self.archive_service(obj, request.user), "archived")


class DraftOnlyInlineMixin:
    """Rows of a pack's or template's version (images, text slots) change only while the parent
    is a draft."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and not obj.is_editable:  # type: ignore[attr-defined]
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)
