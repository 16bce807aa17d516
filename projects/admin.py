"""Campaigns and approval chains in the Django admin, scoped to the brands the user administers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from brandkit.admin.scoping import BRAND_LIST_FILTER, BrandScopedAdminMixin, administered_brand_ids
from brandkit.selectors import brand_role
from projects.models import ApprovalStep, Asset, AssetVersion, Campaign, Generation
from projects.services.approvals import REVIEWER_ROLES
from projects.services.campaigns import CAMPAIGN_CREATOR_ROLES


class CampaignAdminForm(forms.ModelForm):
    """Holds the admin to the rule `campaign_create` enforces: the owner is a marketer or admin
    of the campaign's brand."""

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        brand, owner = cleaned_data.get("brand"), cleaned_data.get("owner")
        if brand and owner and brand_role(user=owner, brand=brand) not in CAMPAIGN_CREATOR_ROLES:
            self.add_error("owner", f"{owner} is not a marketer or admin of {brand}.")
        return cleaned_data


@admin.register(Campaign)
class CampaignAdmin(BrandScopedAdminMixin, admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = ["name", "brand", "status", "owner", "budget", "due_date", "created_at"]
    list_filter = [BRAND_LIST_FILTER, "status"]
    search_fields = ["name", "brief"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("brand", "owner")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner" and not request.user.is_superuser:
            # Owners come from the admin's own brands; every user would list other brands' people.
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    brand_memberships__brand_id__in=administered_brand_ids(request),
                    brand_memberships__role__in=CAMPAIGN_CREATOR_ROLES,
                )
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApprovalStep)
class ApprovalStepAdmin(BrandScopedAdminMixin, admin.ModelAdmin):
    """A brand's ordered approval chain. With no steps a brand has one "Brand review" step that
    any reviewer or admin of the brand decides."""

    list_display = ["brand", "position", "name", "reviewer_names"]
    list_filter = [BRAND_LIST_FILTER]
    ordering = ["brand__name", "position"]
    filter_horizontal = ["reviewers"]
    fields = ["brand", "position", "name", "reviewers"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("brand").prefetch_related("reviewers")

    @admin.display(description="Reviewers")
    def reviewer_names(self, step: ApprovalStep) -> str:
        names = [user.get_username() for user in step.reviewers.all()]
        return ", ".join(names) or "any reviewer or admin of the brand"

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "reviewers" and not request.user.is_superuser:
            # Only people who review the admin's own brands can be put in a step.
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    brand_memberships__brand_id__in=administered_brand_ids(request),
                    brand_memberships__role__in=REVIEWER_ROLES,
                )
                .distinct()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyHistoryAdmin(BrandScopedAdminMixin, admin.ModelAdmin):
    """What operators look up but nobody edits here: assets move through the review services,
    versions and generations are history (versions are immutable, generations carry the exact
    payload sent). Viewing only, scoped to the admin's brands, and cheap at tens of thousands of
    rows: no full-table count, related rows joined, simple filters."""

    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyHistoryAdmin):
    brand_path = "campaign__brand"
    list_display = ["title", "campaign", "review_status", "latest_version", "created_at"]
    list_select_related = ["campaign", "latest_version__asset"]
    list_filter = ["review_status"]
    search_fields = ["title", "=id"]
    ordering = ["-created_at", "-id"]


@admin.register(AssetVersion)
class AssetVersionAdmin(ReadOnlyHistoryAdmin):
    brand_path = "asset__campaign__brand"
    list_display = ["__str__", "asset", "number", "generation", "image_sha256", "created_at"]
    list_select_related = ["asset", "generation"]
    search_fields = ["asset__title", "image_sha256", "=id"]
    ordering = ["-id"]


@admin.register(Generation)
class GenerationAdmin(ReadOnlyHistoryAdmin):
    brand_path = "campaign__brand"
    list_display = ["__str__", "campaign", "mode", "provider", "status", "cost", "finished_at"]
    list_select_related = ["campaign"]
    list_filter = ["status", "mode", "provider"]
    search_fields = ["prompt", "payload_sha256", "provider_request_id", "=id"]
    ordering = ["-created_at", "-id"]
