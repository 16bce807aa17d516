"""The reviewer's inbox: everything waiting for this user's decision, oldest first, paged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from brandkit.selectors import brand_list_for_user
from projects.filters import inbox_filters
from projects.selectors import campaign_list_for_user, review_inbox_items, review_inbox_queryset
from projects.selectors.reviews import INBOX_RELATED
from projects.services.approvals import REVIEWER_ROLES
from projects.views.assets import decision_error_for

INBOX_PER_PAGE = 25
CHECK_FILTERS = [
    ("fail", "failing a check"),
    ("warn", "with warnings"),
    ("pass", "all passing"),
    ("error", "no poster could be drawn"),
    ("none", "no poster"),
]


@login_required
def review_inbox_page(request: HttpRequest) -> HttpResponse:
    filters = inbox_filters(request.GET)
    assets, steps_by_brand = review_inbox_queryset(
        user=request.user,
        brand_id=filters.brand,
        campaign_id=filters.campaign,
        older_than_days=filters.age,
        checks=filters.checks or None,
        sort=filters.sort,
    )
    page = Paginator(assets.select_related(*INBOX_RELATED), INBOX_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "items": review_inbox_items(list(page.object_list), steps_by_brand),
        "brands": brand_list_for_user(user=request.user, roles=REVIEWER_ROLES),
        "campaigns": campaign_list_for_user(user=request.user).order_by("name", "pk"),
        "check_filters": CHECK_FILTERS,
        "filters": filters,
        "kept": decision_error_for(request),
    }
    if not filters.active:
        # Unfiltered, the paginator has just counted what the nav shows: no second count.
        context["pending_review_count"] = page.paginator.count
    return render(request, "projects/review_inbox.html", context)
