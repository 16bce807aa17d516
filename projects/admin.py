"""Campaigns in the Django admin, scoped to the brands the user administers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from brandkit.admin.scoping import BRAND_LIST_FILTER, BrandScopedAdminMixin
from projects.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(BrandScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "brand", "status", "owner", "budget", "due_date", "created_at"]
    list_filter = [BRAND_LIST_FILTER, "status"]
    search_fields = ["name", "brief"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("brand", "owner")
