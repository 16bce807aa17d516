"""Reads for reviewing: the inbox, pending counts, an asset's history and the audit log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from brandkit.models import AuditEvent, Brand
from brandkit.selectors import brand_list_for_user
from projects.choices import CheckStatus, Decision, ReviewStatus
from projects.models import ApprovalStep, Asset, AssetVersion, Campaign, Review, VersionPoster
from projects.services.approvals import REVIEWER_ROLES

if TYPE_CHECKING:
    from brandkit.selectors import AnyUser


def _reviewable_brands(user: AnyUser) -> QuerySet[Brand]:
    return brand_list_for_user(user=user, roles=REVIEWER_ROLES)


INBOX_CHECK_FILTERS = ("pass", "warn", "fail", "error", "none")
INBOX_SORTS = ("oldest", "checks")
CHECK_RANK = {
    CheckStatus.ERROR: 3,
    CheckStatus.FAIL: 2,
    CheckStatus.WARN: 1,
    CheckStatus.PASS: 0,
}


@dataclass(frozen=True)
class ChainStep:
    name: str
    reviewer_ids: frozenset[int]


def _chains(*, user: AnyUser, brand_id: int | None) -> dict[int, list[ChainStep]]:
    """The approval chain of each brand the user reviews for, in order, in one query (a row per
    step and reviewer)."""
    rows = ApprovalStep.objects.filter(brand__in=_reviewable_brands(user))
    if brand_id:
        rows = rows.filter(brand_id=brand_id)
    grouped: dict[tuple[int, int], tuple[str, set[int]]] = {}
    for brand, position, name, reviewer in rows.order_by("brand_id", "position").values_list(
        "brand_id", "position", "name", "reviewers"
    ):
        grouped.setdefault((brand, position), (name, set()))[1].add(reviewer)
    chains: dict[int, list[ChainStep]] = defaultdict(list)
    for (brand, _), (name, reviewers) in grouped.items():  # insertion order is chain order
        chains[brand].append(ChainStep(name, frozenset(pk for pk in reviewers if pk)))
    return chains


def review_inbox_queryset(
    *,
    user: AnyUser,
    brand_id: int | None = None,
    campaign_id: int | None = None,
    older_than_days: int | None = None,
    checks: str | None = None,
    sort: str = "oldest",
) -> tuple[QuerySet[Asset], dict[int, list[ChainStep]]]:
    """Assets waiting for this user's decision, oldest submission first (or worst brand checks
    first), as one queryset the database pages and counts, with the brands' approval chains it
    was built from.

    Excludes what the user made or submitted (they may not decide on it) and assets whose
    current step belongs to a reviewer group without them. The chains are read first (a few
    rows per brand), so the group rule becomes a condition on `current_step` per brand instead
    of a filter in Python over every waiting asset.
    """
    chains = _chains(user=user, brand_id=brand_id)
    assets = _inbox_candidates(
        user=user,
        brand_id=brand_id,
        campaign_id=campaign_id,
        older_than_days=older_than_days,
        checks=checks,
        sort=sort,
    )
    blocked = _blocked_steps(user=user, chains=chains)
    return (assets.exclude(blocked) if blocked else assets), chains


def _blocked_steps(*, user: AnyUser, chains: dict[int, list[ChainStep]]) -> Q:
    """Assets at a step whose reviewer group leaves the user out (empty Q: none)."""
    blocked = Q()
    if user.is_superuser:
        return blocked
    for brand, steps in chains.items():
        others = [
            index
            for index, step in enumerate(steps)
            if step.reviewer_ids and user.pk not in step.reviewer_ids
        ]
        if others:
            blocked |= Q(campaign__brand_id=brand, current_step__in=others)
    return blocked


def _inbox_candidates(
    *,
    user: AnyUser,
    brand_id: int | None = None,
    campaign_id: int | None = None,
    older_than_days: int | None = None,
    checks: str | None = None,
    sort: str = "oldest",
) -> QuerySet[Asset]:
    """In review in the user's reviewable brands, not their own, in the order asked for:
    everything but the reviewer-group rule."""
    assets = (
        Asset.objects.filter(
            review_status=ReviewStatus.IN_REVIEW, campaign__brand__in=_reviewable_brands(user)
        )
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        # As an anti-join from the waiting assets: a join through every version to reach the
        # generations made PostgreSQL scan all versions for the nav count on every page.
        .exclude(
            Exists(
                AssetVersion.objects.filter(
                    pk=OuterRef("submitted_version_id"), generation__requested_by=user
                )
            )
        )
        .order_by("submitted_at", "pk")
    )
    if checks in INBOX_CHECK_FILTERS:
        if checks == "none":
            assets = assets.filter(submitted_version__poster__isnull=True)
        else:
            assets = assets.filter(submitted_version__poster__status=checks)
    if sort == "checks":
        # Worst brand checks first (fail, warn, pass, then versions without a poster).
        rank = Case(
            *(When(submitted_version__poster__status=s, then=n) for s, n in CHECK_RANK.items()),
            default=Value(-1),
        )
        assets = assets.order_by(
            rank.desc(),
            F("submitted_version__poster__failures").desc(nulls_last=True),
            F("submitted_version__poster__warnings").desc(nulls_last=True),
            "submitted_at",
            "pk",
        )
    if brand_id:
        assets = assets.filter(campaign__brand_id=brand_id)
    if campaign_id:
        assets = assets.filter(campaign_id=campaign_id)
    if older_than_days:
        assets = assets.filter(submitted_at__lte=timezone.now() - timedelta(days=older_than_days))
    return assets


INBOX_RELATED = ("campaign__brand", "submitted_version__poster", "submitted_by", "latest_version")


def review_inbox_items(
    assets: list[Asset], steps_by_brand: dict[int, list[ChainStep]]
) -> list[Asset]:
    """Name each shown asset's current step (`asset.step_name`), from the chains already read,
    and give a resubmission its latest "changes requested" (`asset.earlier_request`, one query
    for the page)."""
    earlier: dict[int, Review] = {}
    for review in (
        Review.objects.filter(
            asset__in=[asset.pk for asset in assets if asset.review_round > 1],
            decision=Decision.REQUEST_CHANGES,
        )
        .select_related("decided_by")
        .order_by("asset_id", "-decided_at")
    ):
        earlier.setdefault(review.asset_id, review)
    for asset in assets:
        asset.earlier_request = earlier.get(asset.pk)  # type: ignore[attr-defined]
        steps = steps_by_brand.get(asset.campaign.brand_id, [])
        in_chain = asset.current_step < len(steps)
        asset.step_name = steps[asset.current_step].name if in_chain else "Brand review"  # type: ignore[attr-defined]
    return assets


def review_inbox(
    *,
    user: AnyUser,
    brand_id: int | None = None,
    campaign_id: int | None = None,
    older_than_days: int | None = None,
    checks: str | None = None,
    sort: str = "oldest",
    limit: int | None = None,
) -> list[Asset]:
    """The inbox as a list (the first `limit` items), each with `step_name`."""
    assets, steps_by_brand = review_inbox_queryset(
        user=user,
        brand_id=brand_id,
        campaign_id=campaign_id,
        older_than_days=older_than_days,
        checks=checks,
        sort=sort,
    )
    assets = assets.select_related(*INBOX_RELATED)
    if limit is not None:
        assets = assets[:limit]
    return review_inbox_items(list(assets), steps_by_brand)


def pending_review_count(*, user: AnyUser) -> int:
    """The navigation's count on every page, without loading a single waiting asset: one COUNT
    when nothing waits; otherwise the brands' chains are read and, only if a reviewer group
    leaves this user out somewhere, the count is taken again without those steps."""
    if not user.is_authenticated:
        return 0
    candidates = _inbox_candidates(user=user)
    total = candidates.count()
    if not total:
        return 0
    blocked = _blocked_steps(user=user, chains=_chains(user=user, brand_id=None))
    return candidates.exclude(blocked).count() if blocked else total


def asset_reviews(*, asset: Asset) -> list[object]:
    return list(asset.reviews.select_related("decided_by", "version").order_by("decided_at"))


def audit_events(
    *,
    brand: Brand,
    campaign_id: int | None = None,
    asset_id: int | None = None,
    asset_title: str = "",
) -> QuerySet[AuditEvent]:
    """The brand's log, newest first; `asset_title` matches part of an asset's title."""
    events = AuditEvent.objects.filter(brand=brand).select_related("actor")
    if campaign_id:
        events = events.filter(campaign_id=campaign_id)
    if asset_id:
        events = events.filter(asset_id=asset_id)
    if asset_title:
        assets = Asset.objects.filter(campaign__brand=brand, title__icontains=asset_title)
        events = events.filter(asset_id__in=assets.values("pk"))
    return events.order_by("-created_at", "-id")


def audit_names(*, brand: Brand, events: Iterable[AuditEvent]) -> dict[str, dict[int, str]]:
    """Campaign names and asset titles for the ids a page of events mentions (two queries)."""
    events = list(events)
    campaign_ids = {event.campaign_id for event in events if event.campaign_id}
    asset_ids = {event.asset_id for event in events if event.asset_id}
    return {
        "campaigns": dict(
            Campaign.objects.filter(brand=brand, pk__in=campaign_ids).values_list("pk", "name")
        ),
        "assets": dict(
            Asset.objects.filter(campaign__brand=brand, pk__in=asset_ids).values_list("pk", "title")
        ),
    }


def version_references(*, version: AssetVersion) -> list[dict[str, str]]:
    """The reference images a version's request sent, in order, as thumbnails and labels (two
    queries: pack images and earlier versions, matched by content hash).

    Only the asset's own brand is searched: the same bytes may exist in another brand's pack,
    whose name must not show here."""
    from brandkit.models import ReferenceImage
    from brandkit.thumbnails import thumbnail_url
    from projects.providers.references import is_pointer, payload_pointers

    hashes = [
        pointer.removeprefix("sha256:")
        for pointer in payload_pointers(version.generation.payload)
        if is_pointer(pointer)
    ]
    if not hashes:
        return []
    brand_id = Campaign.objects.filter(assets=version.asset_id).values("brand_id")
    pack_images = {
        image.sha256: image
        for image in ReferenceImage.objects.filter(
            sha256__in=hashes, pack__brand_id__in=brand_id
        ).select_related("pack")
    }
    versions = {
        other.image_sha256: other
        for other in AssetVersion.objects.filter(
            image_sha256__in=hashes, asset__campaign__brand_id__in=brand_id
        ).select_related("asset")
    }
    references = []
    for sha256 in hashes:
        if sha256 in pack_images:
            image = pack_images[sha256]
            references.append(
                {
                    "thumbnail": thumbnail_url(source_name=image.file.name, sha256=sha256),
                    "label": f"{image.pack} #{image.position + 1}",
                }
            )
        elif sha256 in versions:
            other = versions[sha256]
            references.append(
                {
                    "thumbnail": other.thumbnail.url,
                    "label": f"{other.asset.title} v{other.number}",
                }
            )
    return references


def version_poster(*, version: AssetVersion) -> VersionPoster | None:
    """The version's composited poster and brand checks, if it has one (yet)."""
    return VersionPoster.objects.filter(version=version).first()


def brand_campaign_names(*, brand: Brand) -> list[tuple[int, str]]:
    """(id, name) of the brand's campaigns, by name, for filters."""
    return list(Campaign.objects.filter(brand=brand).order_by("name").values_list("pk", "name"))
