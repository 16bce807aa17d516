"""Reads of the campaign app, in a fixed number of queries whatever the data size."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from brandkit.selectors import brand_list_for_user
from projects.choices import GENERATION_ACTIVE, GenerationStatus
from projects.models import Asset, AssetVersion, Campaign, Generation, GenerationBatch

if TYPE_CHECKING:
    from brandkit.selectors import AnyUser

S = GenerationStatus
RECENT_GENERATIONS = 25


def campaign_list_for_user(*, user: AnyUser) -> QuerySet[Campaign]:
    return Campaign.objects.filter(brand__in=brand_list_for_user(user=user)).select_related(
        "brand", "owner"
    )


def campaign_get_for_user(*, pk: int, user: AnyUser) -> Campaign:
    """Raises Campaign.DoesNotExist for campaigns of brands the user is not a member of."""
    return campaign_list_for_user(user=user).get(pk=pk)


@dataclass(frozen=True)
class Spend:
    spent: Decimal
    reserved: Decimal
    budget: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent - self.reserved

    @property
    def percent_used(self) -> int:
        if not self.budget:
            return 100 if self.spent or self.reserved else 0
        return min(100, round((self.spent + self.reserved) * 100 / self.budget))


def campaign_spend(*, campaign: Campaign) -> Spend:
    totals = Generation.objects.filter(campaign=campaign).aggregate(
        spent=Sum("cost", filter=~Q(status__in=GENERATION_ACTIVE)),
        reserved=Sum("estimated_cost", filter=Q(status__in=GENERATION_ACTIVE)),
    )
    return Spend(
        spent=totals["spent"] or Decimal("0"),
        reserved=totals["reserved"] or Decimal("0"),
        budget=campaign.budget,
    )


def campaign_generations(*, campaign: Campaign, status: str = "") -> QuerySet[Generation]:
    """The campaign's generations, newest first, for paging: slice it, and each page's rows
    arrive with their outputs in one more query. Reproductions are left out: they make no asset
    version, so their row had an empty output cell; the asset page shows their result."""
    generations = Generation.objects.filter(campaign=campaign, is_reproduction=False)
    if status:
        generations = generations.filter(status=status)
    return (
        generations.select_related("requested_by", "batch")
        .prefetch_related(Prefetch("versions"))
        .order_by("-created_at", "-pk")
    )


def campaign_generations_changed(
    *, campaign: Campaign, ids: list[int], after: int | None, limit: int = RECENT_GENERATIONS
) -> list[Generation]:
    """What a progress poll needs: the generations it names (the active rows the page shows)
    and up to `limit` generations newer than `after` (the newest row it shows). Generations of
    other campaigns are never returned, whatever ids are asked for."""
    condition = Q(pk__in=ids)
    if after is not None:
        condition |= Q(pk__gt=after)
    return list(campaign_generations(campaign=campaign).filter(condition)[:limit])


def queue_positions(generations: list[Generation]) -> dict[int, int]:
    """1-based position of each queued generation among all queued work, oldest first, in one
    query: the workers take jobs in that order."""
    queued = [g for g in generations if g.status == S.QUEUED and g.queued_at]
    if not queued:
        return {}
    oldest = min(g.queued_at for g in queued)
    ahead = list(
        Generation.objects.filter(status=S.QUEUED, queued_at__gte=oldest)
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)
    )
    earlier = Generation.objects.filter(status=S.QUEUED, queued_at__lt=oldest).count()
    index = {pk: earlier + position + 1 for position, pk in enumerate(ahead)}
    return {g.pk: index[g.pk] for g in queued if g.pk in index}


def batch_progress(*, campaign: Campaign, ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Per batch: how many generations are in each state, for the batch progress bars; the ten
    newest, or the batches named by `ids` (a poll asks only about those still running)."""
    batches = GenerationBatch.objects.filter(campaign=campaign)
    if ids is not None:
        batches = batches.filter(pk__in=ids)
    rows = batches.annotate(
        total=Count("generations"),
        done=Count("generations", filter=Q(generations__status__in=[S.SUCCEEDED, S.PARTIAL])),
        failed=Count("generations", filter=Q(generations__status=S.FAILED)),
        canceled=Count("generations", filter=Q(generations__status=S.CANCELED)),
        running=Count("generations", filter=Q(generations__status=S.RUNNING)),
        queued=Count("generations", filter=Q(generations__status=S.QUEUED)),
    ).order_by("-created_at")[:10]
    return [
        {
            "id": batch.pk,
            "label": batch.label,
            "total": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "canceled": batch.canceled,
            "running": batch.running,
            "queued": batch.queued,
            "finished": batch.done + batch.failed + batch.canceled,
        }
        for batch in rows
    ]


def asset_get_for_user(*, pk: int, user: AnyUser) -> Asset:
    """The asset with its versions and their generations; 404 outside the user's brands."""
    asset = (
        Asset.objects.filter(campaign__brand__in=brand_list_for_user(user=user))
        .select_related("campaign__brand", "latest_version", "approved_version")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AssetVersion.objects.select_related("generation", "parent").order_by(
                    "number"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if asset is None:
        raise Http404("No such asset.")
    return asset


def approved_versions_for_export(
    *, campaign: Campaign | None = None, asset: Asset | None = None
) -> QuerySet[AssetVersion]:
    """The approved version of `asset`, or of every approved asset of `campaign`, with what an
    export reads (generation, template, asset) loaded."""
    assets = Asset.objects.filter(approved_version__isnull=False)
    if asset is not None:
        assets = assets.filter(pk=asset.pk)
    if campaign is not None:
        assets = assets.filter(campaign=campaign)
    return (
        AssetVersion.objects.filter(pk__in=assets.values("approved_version"))
        .select_related("asset", "generation__poster_template")
        .order_by("asset_id")
    )


def recent_versions_of_brand(*, brand_id: int, limit: int = 20) -> list[AssetVersion]:
    """The brand's newest versions (for the template designer's "preview over" choice)."""
    return list(
        AssetVersion.objects.filter(asset__campaign__brand_id=brand_id)
        .select_related("asset")
        .order_by("-created_at", "-pk")[:limit]
    )


def asset_live_state(*, asset: Asset) -> dict[str, object]:
    """What the asset page shows that background work can change, for its live refresh: the
    versions, the review status, and the edits and reproductions still running (three queries)."""
    from projects.choices import GENERATION_ACTIVE
    from projects.models import Generation, Reproduction

    numbers = list(asset.versions.order_by("number").values_list("number", flat=True))
    working = Generation.objects.filter(
        Q(source_version__asset=asset) | Q(reproduction__version__asset=asset),
        status__in=list(GENERATION_ACTIVE),
    ).count()
    reproductions = Reproduction.objects.filter(
        version__asset=asset, finished_at__isnull=False
    ).count()
    state = f"{numbers}|{asset.review_status}|{working}|{reproductions}"
    return {
        "latest": numbers[-1] if numbers else None,
        "working": working,
        "state": hashlib.sha256(state.encode()).hexdigest()[:16],
    }
