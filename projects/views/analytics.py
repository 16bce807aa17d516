"""The analytics page of a brand, or of one of its campaigns (?campaign=<id>), for its members."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.analytics_figures import analytics_figures
from projects.selectors import brand_analytics, brand_scope_for_user
from projects.selectors.analytics import DEFAULT_PERIOD, PERIODS
from projects.views.first_brand import redirect_to_first_brand


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def analytics_index(request: HttpRequest) -> HttpResponse:
    """The nav's "Analytics": the user's first brand."""
    return redirect_to_first_brand(request, "projects:brand_analytics")


@login_required
def brand_analytics_page(request: HttpRequest, slug: str) -> HttpResponse:
    scope = brand_scope_for_user(
        slug=slug, campaign_id=_int_or_none(request.GET.get("campaign")), user=request.user
    )
    period = _int_or_none(request.GET.get("period"))
    if period not in dict(PERIODS):
        period = DEFAULT_PERIOD
    analytics = brand_analytics(brand=scope.brand, campaign=scope.campaign, period_days=period)
    return render(
        request,
        "projects/analytics.html",
        {"scope": scope, "period": period, "periods": PERIODS, **analytics_figures(analytics)},
    )
