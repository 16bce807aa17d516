"""The home page: the user's campaigns and budgets, reviews waiting for them, live recent
generations in their brands, and this month's spend per brand."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from projects.presenters import dashboard_generation_rows
from projects.selectors import (
    dashboard_campaigns,
    month_spend_by_brand,
    recent_generations,
    review_inbox,
)

DASHBOARD_REVIEWS = 5


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    waiting = review_inbox(user=request.user)
    return render(
        request,
        "projects/dashboard.html",
        {
            "campaigns": dashboard_campaigns(user=request.user),
            "reviews": waiting[:DASHBOARD_REVIEWS],
            "review_count": len(waiting),
            # The nav shows the same count; giving it here saves counting the inbox twice.
            "pending_review_count": len(waiting),
            "generations": dashboard_generation_rows(recent_generations(user=request.user)),
            "month_spend": month_spend_by_brand(user=request.user),
        },
    )


@login_required
def dashboard_generations(request: HttpRequest) -> JsonResponse:
    """The recent generations of the dashboard, polled by the page while any is active."""
    rows = dashboard_generation_rows(recent_generations(user=request.user))
    return JsonResponse({"generations": rows})
