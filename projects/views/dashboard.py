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
    review_inbox_items,
    review_inbox_queryset,
)
from projects.selectors.dashboard import changes_requested_for

DASHBOARD_REVIEWS = 5


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    inbox, chains = review_inbox_queryset(user=request.user)
    waiting = inbox.count()
    first = inbox.select_related("campaign__brand", "submitted_version", "submitted_by")
    return render(
        request,
        "projects/dashboard.html",
        {
            "campaigns": dashboard_campaigns(user=request.user),
            "reviews": review_inbox_items(list(first[:DASHBOARD_REVIEWS]), chains),
            "review_count": waiting,
            # The nav shows the same count; giving it here saves counting the inbox twice.
            "pending_review_count": waiting,
            "generations": dashboard_generation_rows(recent_generations(user=request.user)),
            "month_spend": month_spend_by_brand(user=request.user),
            "changes_requested": changes_requested_for(user=request.user),
        },
    )


@login_required
def dashboard_generations(request: HttpRequest) -> JsonResponse:
    """The recent generations of the dashboard, polled by the page while any is active."""
    rows = dashboard_generation_rows(recent_generations(user=request.user))
    return JsonResponse({"generations": rows})
