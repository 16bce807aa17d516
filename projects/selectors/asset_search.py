"""Finding assets at any size, in a campaign or across a brand's library: by title or prompt
words, status, version, approval (and in the library, campaign and the days it was made).

Every filter is one SQL condition on the asset's own columns (its search text holds the title and
every prompt) or an EXISTS on the versions, so a page of results costs the same two queries (count
and rows) whatever the campaign holds.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from projects.filters import AssetFilters, LibraryFilters
from projects.models import Asset, AssetVersion, Campaign

if TYPE_CHECKING:
    from brandkit.models import Brand


def campaign_asset_search(*, campaign: Campaign, filters: AssetFilters) -> QuerySet[Asset]:
    """The campaign's assets matching `filters`, newest first, with the latest version joined.

    Each word must appear in the title or in the prompt of one of the asset's versions, so
    "espresso sunrise" finds the espresso shot whichever of the two carries each word. Both
    live in the asset's search text (a trigram index serves it on PostgreSQL)."""
    assets = _matching(Asset.objects.filter(campaign=campaign), filters)
    return assets.select_related("latest_version").order_by("-created_at", "-pk")


def brand_asset_search(*, brand: Brand, filters: LibraryFilters) -> QuerySet[Asset]:
    """The brand library: the brand's assets in every campaign (or the one asked for, if it is
    the brand's) matching `filters` and made between its days, newest first."""
    assets = Asset.objects.filter(campaign__brand=brand)
    if filters.campaign:
        assets = assets.filter(campaign_id=filters.campaign)
    if filters.made_from:
        assets = assets.filter(created_at__gte=_local_midnight(filters.made_from))
    if filters.made_to:
        assets = assets.filter(created_at__lt=_local_midnight(filters.made_to + timedelta(days=1)))
    assets = _matching(assets, filters)
    return assets.select_related("latest_version", "campaign").order_by("-created_at", "-pk")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _matching(assets: QuerySet[Asset], filters: AssetFilters) -> QuerySet[Asset]:
    for word in filters.words:
        assets = assets.filter(search_text__icontains=word)
    if filters.status:
        assets = assets.filter(review_status=filters.status)
    if filters.version:
        assets = assets.filter(
            Exists(AssetVersion.objects.filter(asset_id=OuterRef("pk"), number=filters.version))
        )
    if filters.approved:
        assets = assets.filter(approved_version__isnull=False)
    return assets


def campaign_version_search(*, campaign: Campaign, query: str, limit: int = 20) -> list[dict]:
    """Versions of the campaign for the source-version picker: "hero v2", "espresso", "1234"
    (a version id). Newest first, at most `limit`."""
    versions = AssetVersion.objects.filter(asset__campaign=campaign)
    words = query.split()[:6]
    for word in words:
        number = word.lower().removeprefix("v")
        if number.isdigit() and len(number) <= 9:
            versions = versions.filter(
                Q(number=int(number)) | Q(pk=int(number)) | Q(asset__title__icontains=word)
            )
        else:
            versions = versions.filter(asset__title__icontains=word)
    rows = versions.order_by("-pk").values("pk", "number", "asset__title")[:limit]
    return [{"id": row["pk"], "label": f"{row['asset__title']} v{row['number']}"} for row in rows]
