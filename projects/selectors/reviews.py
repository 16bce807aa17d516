"""Reads for reviewing: the inbox, pending counts, an asset's history and the audit log."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, F, Prefetch, QuerySet, Value, When
from django.utils import timezone

from brandkit.models import AuditEvent, Brand
from brandkit.selectors import brand_list_for_user
from projects.choices import CheckStatus, ReviewStatus
from projects.models import ApprovalStep, Asset, AssetVersion, VersionPoster
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


def review_inbox(
    *,
    user: AnyUser,
    brand_id: int | None = None,
    campaign_id: int | None = None,
    older_than_days: int | None = None,
    checks: str | None = None,
    sort: str = "oldest",
) -> list[Asset]:
    """Assets waiting for this user's decision, oldest submission first, in three queries
    whatever their number: the assets, the brands' approval steps, and the steps' reviewers.

    Excludes what the user made or submitted (they may not decide on it) and assets whose
    current step belongs to a reviewer group without them.
    """
    assets = (
        Asset.objects.filter(
            review_status=ReviewStatus.IN_REVIEW, campaign__brand__in=_reviewable_brands(user)
        )
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        .exclude(submitted_version__generation__requested_by=user)
        .select_related(
            "campaign__brand",
            "submitted_version__poster",
            "submitted_by",
            "latest_version",
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
    assets_list = list(assets)
    steps_by_brand: dict[int, list[ApprovalStep]] = defaultdict(list)
    brand_ids = {asset.campaign.brand_id for asset in assets_list}
    for step in ApprovalStep.objects.filter(brand_id__in=brand_ids).prefetch_related(
        Prefetch("reviewers")
    ):
        steps_by_brand[step.brand_id].append(step)
    waiting = []
    for asset in assets_list:
        steps = steps_by_brand.get(asset.campaign.brand_id, [])
        if steps and asset.current_step < len(steps):
            step = steps[asset.current_step]
            group = {reviewer.pk for reviewer in step.reviewers.all()}
            asset.step_name = step.name  # type: ignore[attr-defined]
            if group and user.pk not in group and not user.is_superuser:
                continue
        else:
            asset.step_name = "Brand review"  # type: ignore[attr-defined]
        waiting.append(asset)
    return waiting


def pending_review_count(*, user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return len(review_inbox(user=user))


def asset_reviews(*, asset: Asset) -> list[object]:
    return list(asset.reviews.select_related("decided_by", "version").order_by("decided_at"))


def audit_events(
    *, brand: Brand, campaign_id: int | None = None, asset_id: int | None = None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(brand=brand).select_related("actor")
    if campaign_id:
        events = events.filter(campaign_id=campaign_id)
    if asset_id:
        events = events.filter(asset_id=asset_id)
    return events.order_by("-created_at", "-id")


def version_references(*, version: AssetVersion) -> list[dict[str, str]]:
    """The reference images a version's request sent, in order, as thumbnails and labels (two
    queries: pack images and earlier versions, matched by content hash)."""
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
    pack_images = {
        image.sha256: image
        for image in ReferenceImage.objects.filter(sha256__in=hashes).select_related("pack")
    }
    versions = {
        other.image_sha256: other
        for other in AssetVersion.objects.filter(image_sha256__in=hashes).select_related("asset")
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
