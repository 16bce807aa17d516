"""One brand at a heavy team's scale, built in bulk from the models: the only place that makes it.

`build_scale(assets=10_000)` gives one brand with `assets` assets over a few campaigns, three
versions each (every tenth asset's first two versions come from one group generation, so 10,000
assets make 30,000 versions from 29,000 generations), reviews, batches and eight audit rows per
asset (80,000). Half a thousand assets wait in review. Dates spread over the past year.

The users, brand, approval step and campaigns come from the services; everything that grows is
`bulk_create`d (a service call per row would take hours). Both bench/scale.py and the query-count
tests use it, so the two stay true as the schema changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from brandkit.choices import AuditVerb, BrandStatus, MembershipRole
from brandkit.models import AuditEvent, Brand
from brandkit.services.brands import brand_create, membership_set
from projects.choices import Decision, GenerationMode, GenerationStatus, ReviewStatus
from projects.models import (
    ApprovalStep,
    Asset,
    AssetVersion,
    Campaign,
    Generation,
    GenerationBatch,
    Review,
)
from projects.services.asset_search_text import asset_search_text_refresh
from projects.services.campaigns import campaign_create
from projects.services.review_outcomes import review_outcomes_refresh

VERSIONS_PER_ASSET = 3
GROUP_EVERY = 10  # every tenth asset: versions 1 and 2 from one group generation
AUDIT_PER_ASSET = 8
BATCH_SIZE = 1000
SUBJECTS = ["cold brew", "espresso", "oat latte", "croissant", "mocha", "matcha", "chai"]
SCENES = ["on a marble table", "at sunrise", "in a park", "on a shelf", "with steam", "in the snow"]
HEADLINES = ["Hero", "Story", "Banner", "Poster", "Square", "Email header", "Display ad"]
SEASONS = ["Spring", "Summer", "Autumn", "Winter"]
# Recent work the campaign page shows live: a few of each active and failed state.
LIVE_STATUSES = [GenerationStatus.QUEUED, GenerationStatus.RUNNING, GenerationStatus.FAILED]


@dataclass
class Scale:
    brand: Brand
    admin: Any
    marketer: Any
    reviewer: Any
    campaigns: list[Campaign]
    waiting: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def big_campaign(self) -> Campaign:
        return self.campaigns[0]

    def sample_asset(self) -> Asset:
        """An asset of the big campaign with all its versions and a review."""
        return (
            Asset.objects.filter(campaign=self.big_campaign, review_status=ReviewStatus.APPROVED)
            .order_by("pk")
            .first()
        )  # type: ignore[return-value]


def _user(username: str, **fields: Any) -> Any:
    user_model = get_user_model()
    return user_model.objects.create_user(username=username, password=None, **fields)


def _stored(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def _image_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@transaction.atomic
def build_scale(
    *, assets: int = 10_000, campaigns: int = 4, waiting: int = 500, slug: str = "scale"
) -> Scale:
    """Create the brand and its data; `assets` sets the size, the rest follows from it."""
    now = timezone.now()
    admin = _user(f"{slug}-admin", is_staff=True)
    brand = brand_create(name=f"Scale {slug}", slug=slug, created_by=admin)
    brand.status = BrandStatus.PUBLISHED
    brand.save(update_fields=["status"])
    marketer = _user(f"{slug}-marketer")
    reviewer = _user(f"{slug}-reviewer")
    membership_set(brand=brand, user=marketer, role=MembershipRole.MARKETER)
    membership_set(brand=brand, user=reviewer, role=MembershipRole.REVIEWER)
    step = ApprovalStep.objects.create(brand=brand, position=0, name="Brand review")
    step.reviewers.add(reviewer)
    made = [
        campaign_create(
            brand=brand,
            owner=marketer,
            name=f"{SEASONS[index % 4]} {2026 - index // 4}",
            budget=Decimal("100000.00"),
            channels=["web", "instagram"],
        )
        for index in range(campaigns)
    ]
    image = _stored(f"outputs/{slug}.jpg", _image_bytes())
    thumbnail = _stored(f"thumbs/{slug}.jpg", _image_bytes())
    waiting = min(waiting, assets)

    # Assets, oldest first, spread over the past year; the big campaign (index 0) gets the most.
    def campaign_of(index: int) -> Campaign:
        return made[0] if index % 3 == 0 or campaigns == 1 else made[1 + index % (campaigns - 1)]

    def when(index: int) -> Any:
        return now - timedelta(minutes=(assets - index) * 525_600 // max(assets, 1))

    asset_rows = Asset.objects.bulk_create(
        (
            Asset(
                campaign=campaign_of(index),
                title=f"{HEADLINES[index % len(HEADLINES)]} {SUBJECTS[index % len(SUBJECTS)]} "
                f"#{index}",
                review_status=_review_status(index, assets, waiting),
                created_by=marketer,
                review_round=1,
            )
            for index in range(assets)
        ),
        batch_size=BATCH_SIZE,
    )
    batches: dict[int, GenerationBatch] = {}
    for campaign in made:
        batches[campaign.pk] = GenerationBatch.objects.create(
            campaign=campaign, label=f"{campaign.name} variants", requested_by=marketer
        )

    # Generations: one per version, except a group generation for versions 1+2 of every tenth.
    generation_specs: list[tuple[int, list[int]]] = []  # (asset index, version numbers)
    for index in range(assets):
        if index % GROUP_EVERY == 0:
            generation_specs.append((index, [1, 2]))
            generation_specs.append((index, [3]))
        else:
            generation_specs.extend((index, [number]) for number in (1, 2, 3))

    def generation(position: int, index: int, numbers: list[int]) -> Generation:
        asset = asset_rows[index]
        finished = when(index) + timedelta(minutes=numbers[-1])
        subject = SUBJECTS[(index + numbers[0]) % len(SUBJECTS)]
        scene = SCENES[(index * 7 + numbers[0]) % len(SCENES)]
        return Generation(
            campaign_id=asset.campaign_id,
            batch=batches[asset.campaign_id] if position % 5 == 0 else None,
            mode=GenerationMode.GROUP if len(numbers) > 1 else GenerationMode.TEXT_TO_IMAGE,
            provider="ark",
            model="seedream-4-0-250828",
            prompt=f"A {subject} {scene}, take {position}",
            payload={"prompt": f"A {subject} {scene}", "seed": position},
            payload_sha256=f"{position:064x}",
            expected_images=len(numbers),
            status=GenerationStatus.SUCCEEDED,
            attempts=1,
            billed_images=len(numbers),
            cost=Decimal("0.03") * len(numbers),
            estimated_cost=Decimal("0.03") * len(numbers),
            queued_at=finished - timedelta(seconds=40),
            started_at=finished - timedelta(seconds=30),
            finished_at=finished,
            provider_seconds=8.0 + position % 13,
            requested_by=marketer,
        )

    generation_rows = Generation.objects.bulk_create(
        (generation(p, index, numbers) for p, (index, numbers) in enumerate(generation_specs)),
        batch_size=BATCH_SIZE,
    )
    # Live work on the big campaign: what the progress poll and queue positions read.
    live = Generation.objects.bulk_create(
        Generation(
            campaign=made[0],
            batch=batches[made[0].pk],
            mode=GenerationMode.TEXT_TO_IMAGE,
            provider="ark",
            model="seedream-4-0-250828",
            prompt=f"A live take {index}",
            payload={"prompt": f"live {index}"},
            payload_sha256=f"{len(generation_specs) + index:064x}",
            status=status,
            attempts=1,
            estimated_cost=Decimal("0.03"),
            queued_at=now - timedelta(seconds=index),
            error_message="Provider said no" if status == GenerationStatus.FAILED else "",
            finished_at=now if status == GenerationStatus.FAILED else None,
            requested_by=marketer,
        )
        for index, status in enumerate(LIVE_STATUSES * 4)
    )

    # Versions in three passes, so each version's parent exists and has its pk.
    by_asset: dict[int, dict[int, tuple[Generation, int]]] = {}
    for gen, (index, numbers) in zip(generation_rows, generation_specs, strict=True):
        for output_index, number in enumerate(numbers):
            by_asset.setdefault(index, {})[number] = (gen, output_index)
    previous: dict[int, AssetVersion] = {}
    for number in range(1, VERSIONS_PER_ASSET + 1):
        rows = []
        for index, asset in enumerate(asset_rows):
            gen, output_index = by_asset[index][number]
            rows.append(
                AssetVersion(
                    asset=asset,
                    number=number,
                    generation=gen,
                    output_index=output_index,
                    parent=previous.get(index),
                    image=image,
                    image_sha256=f"{gen.pk:056x}{output_index:08x}",
                    content_type="image/jpeg",
                    width=2048,
                    height=2048,
                    byte_size=400_000,
                    thumbnail=thumbnail,
                    created_by=marketer,
                )
            )
        created = AssetVersion.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        previous = dict(enumerate(created))
    for index, asset in enumerate(asset_rows):
        latest = previous[index]
        asset.created_at = when(index)
        asset.latest_version = latest
        if asset.review_status == ReviewStatus.APPROVED:
            asset.approved_version = latest
        if asset.review_status != ReviewStatus.DRAFT:
            asset.submitted_version = latest
            asset.submitted_by = marketer
            asset.submitted_at = when(index) + timedelta(hours=1)
    Asset.objects.bulk_update(
        asset_rows,
        [
            "created_at",
            "latest_version",
            "approved_version",
            "submitted_version",
            "submitted_by",
            "submitted_at",
        ],
        batch_size=BATCH_SIZE,
    )
    decided = {
        ReviewStatus.APPROVED: Decision.APPROVE,
        ReviewStatus.CHANGES_REQUESTED: Decision.REQUEST_CHANGES,
    }
    reviews = Review.objects.bulk_create(
        (
            Review(
                asset=asset,
                version=previous[index],
                round=1,
                step_name="Brand review",
                decision=decided[asset.review_status],
                comment="Warmer light, please." if index % 2 else "",
                decided_by=reviewer,
                decided_at=when(index) + timedelta(hours=2),
            )
            for index, asset in enumerate(asset_rows)
            if asset.review_status in decided
        ),
        batch_size=BATCH_SIZE,
    )
    # What the services keep as versions are added and decisions taken, for bulk-written rows.
    review_outcomes_refresh(asset_ids=(review.asset_id for review in reviews))
    asset_search_text_refresh(asset_ids=(asset.pk for asset in asset_rows))
    verbs = [
        AuditVerb.GENERATION_QUEUED,
        AuditVerb.GENERATION_SUCCEEDED,
        AuditVerb.GENERATION_QUEUED,
        AuditVerb.GENERATION_SUCCEEDED,
        AuditVerb.GENERATION_QUEUED,
        AuditVerb.GENERATION_SUCCEEDED,
        AuditVerb.SUBMITTED,
        AuditVerb.APPROVED,
    ]
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                brand=brand,
                actor=None if verb == AuditVerb.GENERATION_SUCCEEDED else marketer,
                verb=verb,
                object_type="asset",
                object_id=asset.pk,
                object_repr=asset.title,
                campaign_id=asset.campaign_id,
                asset_id=asset.pk,
                version_id=previous[index].pk,
                data={"round": 1, "note": "=1+1"} if step == 7 else {"round": 1},
                created_at=when(index) + timedelta(minutes=step),
            )
            for index, asset in enumerate(asset_rows)
            for step, verb in enumerate(verbs[:AUDIT_PER_ASSET])
        ),
        batch_size=BATCH_SIZE,
    )
    counts = {
        "assets": len(asset_rows),
        "versions": len(asset_rows) * VERSIONS_PER_ASSET,
        "generations": len(generation_rows) + len(live),
        "reviews": len(reviews),
        "audit rows": len(asset_rows) * AUDIT_PER_ASSET,
        "waiting for review": waiting,
        "campaigns": len(made),
    }
    return Scale(brand, admin, marketer, reviewer, made, waiting, counts)


def existing_scale(slug: str = "scale") -> Scale | None:
    """The brand `build_scale` made earlier in this database, to measure again without reloading."""
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        return None
    users = get_user_model().objects.in_bulk(
        [f"{slug}-admin", f"{slug}-marketer", f"{slug}-reviewer"], field_name="username"
    )
    campaigns = sorted(Campaign.objects.filter(brand=brand), key=lambda c: c.pk)
    counts = {
        "assets": Asset.objects.filter(campaign__brand=brand).count(),
        "versions": AssetVersion.objects.filter(asset__campaign__brand=brand).count(),
        "generations": Generation.objects.filter(campaign__brand=brand).count(),
        "audit rows": AuditEvent.objects.filter(brand=brand).count(),
    }
    return Scale(
        brand,
        users[f"{slug}-admin"],
        users[f"{slug}-marketer"],
        users[f"{slug}-reviewer"],
        campaigns,
        Asset.objects.filter(campaign__brand=brand, review_status=ReviewStatus.IN_REVIEW).count(),
        counts,
    )


def _review_status(index: int, total: int, waiting: int) -> str:
    """The newest `waiting` assets are in review; older ones approved, changes asked or draft."""
    if index >= total - waiting:
        return ReviewStatus.IN_REVIEW
    return (
        [ReviewStatus.APPROVED, ReviewStatus.APPROVED, ReviewStatus.CHANGES_REQUESTED][index % 3]
        if index % 7
        else ReviewStatus.DRAFT
    )
