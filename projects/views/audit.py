"""The audit log of a brand, for its admins: on the page, filtered, and as CSV."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from brandkit.choices import MembershipRole
from brandkit.csv_cells import csv_line
from brandkit.models import Brand
from brandkit.selectors import brand_list_for_user
from projects.selectors import audit_events

CSV_COLUMNS = [
    "time",
    "brand",
    "actor",
    "verb",
    "object_type",
    "object_id",
    "object",
    "campaign_id",
    "asset_id",
    "version_id",
    "details",
]


def _admin_brand(request: HttpRequest, slug: str) -> Brand:
    brand = (
        brand_list_for_user(user=request.user, roles=[MembershipRole.ADMIN])
        .filter(slug=slug)
        .first()
    )
    if brand is None:
        raise Http404("No such brand.")
    return brand


def _filters(request: HttpRequest) -> dict[str, int | None]:
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    return {"campaign_id": number("campaign"), "asset_id": number("asset")}


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    brand = _admin_brand(request, slug)
    filters = _filters(request)
    page = Paginator(audit_events(brand=brand, **filters), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/audit_log.html",
        {"brand": brand, "page": page, "filters": filters, "query": request.GET.urlencode()},
    )


@login_required
def audit_log_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The filtered log as CSV, streamed so a long history does not sit in memory."""
    brand = _admin_brand(request, slug)
    events = audit_events(brand=brand, **_filters(request))

    def rows():  # type: ignore[no-untyped-def]
        yield csv_line(CSV_COLUMNS)
        for event in events.iterator(chunk_size=500):
            yield csv_line(
                [
                    event.created_at.isoformat(),
                    brand.slug,
                    event.actor.get_username() if event.actor else "system",
                    event.verb,
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.campaign_id or "",
                    event.asset_id or "",
                    event.version_id or "",
                    json.dumps(event.data, sort_keys=True),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{brand.slug}.csv"'
    return response
