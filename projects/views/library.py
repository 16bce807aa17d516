"""The brand library: every asset of a brand, across its campaigns, found by words, review
status, version, approval, campaign and the days it was made ("last spring's approved hero")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.choices import ReviewStatus
from projects.filters import library_filters
from projects.selectors import brand_asset_search, brand_scope_for_user
from projects.views.first_brand import redirect_to_first_brand

ASSETS_PER_PAGE = 48


@login_required
def library_index(request: HttpRequest) -> HttpResponse:
    """The nav's "Library": the user's first brand."""
    return redirect_to_first_brand(request, "projects:brand_library")


@login_required
def brand_library(request: HttpRequest, slug: str) -> HttpResponse:
    filters = library_filters(request.GET)
    scope = brand_scope_for_user(slug=slug, campaign_id=filters.campaign, user=request.user)
    page = Paginator(
        brand_asset_search(brand=scope.brand, filters=filters), ASSETS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/library.html",
        {
            "scope": scope,
            "filters": filters,
            "asset_page": page,
            "review_statuses": ReviewStatus.choices,
        },
    )
