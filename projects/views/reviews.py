"""The reviewer's inbox: everything waiting for this user's decision, oldest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from brandkit.selectors import brand_list_for_user
from projects.forms import DecisionForm
from projects.selectors import campaign_list_for_user, review_inbox
from projects.selectors.reviews import INBOX_CHECK_FILTERS, INBOX_SORTS
from projects.services.approvals import REVIEWER_ROLES


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def review_inbox_page(request: HttpRequest) -> HttpResponse:
    brand_id = _int_or_none(request.GET.get("brand"))
    campaign_id = _int_or_none(request.GET.get("campaign"))
    older_than = _int_or_none(request.GET.get("age"))
    checks = request.GET.get("checks") if request.GET.get("checks") in INBOX_CHECK_FILTERS else ""
    sort = request.GET.get("sort") if request.GET.get("sort") in INBOX_SORTS else "oldest"
    assets = review_inbox(
        user=request.user,
        brand_id=brand_id,
        campaign_id=campaign_id,
        older_than_days=older_than,
        checks=checks or None,
        sort=sort,
    )
    items = [
        (
            asset,
            DecisionForm(initial={"version": asset.submitted_version_id}, prefix=f"a{asset.pk}"),
        )
        for asset in assets
    ]
    return render(
        request,
        "projects/review_inbox.html",
        {
            "items": items,
            "brands": brand_list_for_user(user=request.user, roles=REVIEWER_ROLES),
            "campaigns": campaign_list_for_user(user=request.user),
            "check_filters": [
                ("fail", "failing a check"),
                ("warn", "with warnings"),
                ("pass", "all passing"),
                ("error", "no poster could be drawn"),
                ("none", "no poster"),
            ],
            "filters": {
                "brand": brand_id,
                "campaign": campaign_id,
                "age": older_than,
                "checks": checks,
                "sort": sort,
            },
        },
    )
