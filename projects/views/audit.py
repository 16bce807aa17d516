"""The audit log of a brand, for its admins: on the page, filtered, and as CSV."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from brandkit.choices import MembershipRole
from brandkit.csv_cells import csv_line
from brandkit.models import Brand
from brandkit.selectors import brand_list_for_user
from projects.selectors import audit_events
from projects.selectors.reviews import audit_names, brand_campaign_names

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
        if brand_list_for_user(user=request.user).filter(slug=slug).exists():
            # A member may know the brand exists: say why, rather than a bare 404.
            raise PermissionDenied("Only the brand's admins can read its audit log.")
        raise Http404("No such brand.")
    return brand


def _filters(request: HttpRequest) -> dict[str, Any]:
    """Campaign (chosen by name; the value is its id), asset by id (links from the table) or by
    part of its title (typed)."""

    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    return {
        "campaign_id": number("campaign"),
        "asset_id": number("asset"),
        "asset_title": request.GET.get("asset_title", "").strip()[:200],
    }


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    brand = _admin_brand(request, slug)
    filters = _filters(request)
    page = Paginator(audit_events(brand=brand, **filters), 100).get_page(request.GET.get("page"))
    names = audit_names(brand=brand, events=page.object_list)
    rows = [
        (
            event,
            names["campaigns"].get(event.campaign_id or 0, ""),
            names["assets"].get(event.asset_id or 0, ""),
        )
        for event in page.object_list
    ]
    context = {
        "brand": brand,
        "page": page,
        "rows": rows,
        "filters": filters,
        "campaigns": brand_campaign_names(brand=brand),
        "query": request.GET.urlencode(),
    }
    return render(request, "projects/audit_log.html", context)


CSV_CHUNK_ROWS = 2000


@login_required
def audit_log_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The filtered log as CSV, streamed so a long history does not sit in memory.

    Rows come as plain tuples (no model instances) from a server-side cursor, 2,000 at a time,
    and each batch is sent as one chunk: memory stays flat and the first byte leaves at once."""
    brand = _admin_brand(request, slug)
    events = audit_events(brand=brand, **_filters(request)).values_list(
        "created_at",
        "actor__username",
        "verb",
        "object_type",
        "object_id",
        "object_repr",
        "campaign_id",
        "asset_id",
        "version_id",
        "data",
    )

    def rows():  # type: ignore[no-untyped-def]
        yield csv_line(CSV_COLUMNS)
        batch: list[str] = []
        for (
            created_at,
            actor,
            verb,
            kind,
            object_id,
            shown,
            campaign,
            asset,
            version,
            data,
        ) in events.iterator(chunk_size=CSV_CHUNK_ROWS):
            batch.append(
                csv_line(
                    [
                        created_at.isoformat(),
                        brand.slug,
                        actor or "system",
                        verb,
                        kind,
                        object_id,
                        shown,
                        campaign or "",
                        asset or "",
                        version or "",
                        json.dumps(data, sort_keys=True),
                    ]
                )
            )
            if len(batch) == CSV_CHUNK_ROWS:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{brand.slug}.csv"'
    return response
