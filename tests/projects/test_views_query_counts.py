"""Every campaign and review page runs the same number of queries with 5 or 200 of everything.

The rows are inserted in bulk (a service call per row would take minutes); the users, brand and
campaign come from the services. Each test measures a page with 5 assets (and 5 versions, reviews,
reproductions and campaigns), grows the data to 200, and asks for the same count again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brandkit.choices import AuditVerb, BrandStatus, MembershipRole
from brandkit.models import AuditEvent, Brand, PosterTemplate, ReferencePack
from projects.choices import Decision, GenerationMode, GenerationStatus, ReviewStatus
from projects.models import (
    ApprovalStep,
    Asset,
    AssetVersion,
    Campaign,
    Generation,
    GenerationBatch,
    Reproduction,
    Review,
)
from projects.services.asset_search_text import asset_search_text_refresh
from projects.services.campaigns import campaign_create
from tests.factories import (
    brand_with_admin,
    image_bytes,
    member,
    published_pack,
    published_template,
)

pytestmark = pytest.mark.django_db

SMALL = 5
LARGE = 200
# Every state a progress row can show, so both sizes exercise the same code paths.
STATUSES = [
    GenerationStatus.SUCCEEDED,
    GenerationStatus.QUEUED,
    GenerationStatus.RUNNING,
    GenerationStatus.FAILED,
    GenerationStatus.PARTIAL,
    GenerationStatus.CANCELED,
]


@dataclass
class Board:
    brand: Brand
    admin: Any
    marketer: Any
    reviewer: Any
    campaign: Campaign
    batch: GenerationBatch
    template: PosterTemplate
    pack: ReferencePack
    big_asset: Asset
    image_name: str
    thumbnail_name: str
    size: int = 0


@pytest.fixture
def board(db: None, settings: Any, tmp_path: Path) -> Board:
    settings.MEDIA_ROOT = tmp_path / "media"
    brand, admin = brand_with_admin(
        name="Northwind Coffee", slug="northwind", status=BrandStatus.PUBLISHED
    )
    marketer = member(brand, MembershipRole.MARKETER, username="marketer")
    reviewer = member(brand, MembershipRole.REVIEWER, username="reviewer")
    campaign = campaign_create(
        brand=brand, owner=marketer, name="Spring", budget=Decimal("500.00"), channels=["web"]
    )
    batch = GenerationBatch.objects.create(
        campaign=campaign, label="Variants", requested_by=marketer
    )
    template = published_template(brand, admin)
    pack = published_pack(brand, admin, images=1)
    # A one-step chain whose group names the reviewer, so the inbox reads steps and reviewers.
    step = ApprovalStep.objects.create(brand=brand, position=0, name="Brand review")
    step.reviewers.add(reviewer)
    # One real stored image and thumbnail that every version points at.
    image_name = default_storage.save("outputs/board.png", ContentFile(image_bytes(1)))
    thumbnail_name = default_storage.save("thumbs/board.png", ContentFile(image_bytes(2)))
    big_asset = Asset.objects.create(campaign=campaign, title="Hero poster", created_by=marketer)
    board = Board(
        brand=brand,
        admin=admin,
        marketer=marketer,
        reviewer=reviewer,
        campaign=campaign,
        batch=batch,
        template=template,
        pack=pack,
        big_asset=big_asset,
        image_name=image_name,
        thumbnail_name=thumbnail_name,
    )
    grow(board, SMALL)
    return board


def _generation(board: Board, index: int, **fields: Any) -> Generation:
    status = STATUSES[index % len(STATUSES)]
    now = timezone.now()
    values: dict[str, Any] = {
        "campaign": board.campaign,
        "batch": board.batch,
        "mode": GenerationMode.TEXT_TO_IMAGE,
        "provider": "local",
        "model": "brandkit-local-preview-1",
        "poster_template": board.template,
        "reference_pack": board.pack,
        "slot_values": {"product": f"Cold brew {index}"},
        "prompt": f"A cold brew bottle, take {index}",
        "payload": {"prompt": f"take {index}"},
        "payload_sha256": f"{index:064x}",
        "status": status,
        "attempts": 1,
        "queued_at": now - timedelta(seconds=index),
        "finished_at": None
        if status in (GenerationStatus.QUEUED, GenerationStatus.RUNNING)
        else now,
        "error_message": "Provider said no" if status == GenerationStatus.FAILED else "",
        "cost": Decimal("0.03"),
        "estimated_cost": Decimal("0.03"),
        "requested_by": board.marketer,
    }
    values.update(fields)
    return Generation(**values)


def _version(
    board: Board, asset: Asset, number: int, generation: Generation, **fields: Any
) -> AssetVersion:
    return AssetVersion(
        asset=asset,
        number=number,
        generation=generation,
        image=board.image_name,
        image_sha256=f"{generation.pk:064x}",
        content_type="image/png",
        width=40,
        height=30,
        byte_size=100,
        thumbnail=board.thumbnail_name,
        created_by=board.marketer,
        **fields,
    )


def grow(board: Board, size: int) -> None:
    """Bring the board to `size` of everything: assets in review (one version each), versions,
    reviews and reproductions of the big asset, and campaigns of the brand."""
    new = range(board.size, size)
    now = timezone.now()
    generations = Generation.objects.bulk_create(_generation(board, index) for index in new)
    assets = Asset.objects.bulk_create(
        Asset(
            campaign=board.campaign,
            title=f"Poster {index}",
            created_by=board.marketer,
            review_status=ReviewStatus.IN_REVIEW,
            submitted_by=board.marketer,
            submitted_at=now - timedelta(days=index % 9),
            review_round=1,
        )
        for index in new
    )
    versions = AssetVersion.objects.bulk_create(
        _version(board, asset, 1, generation)
        for asset, generation in zip(assets, generations, strict=True)
    )
    for asset, version in zip(assets, versions, strict=True):
        asset.latest_version = version
        asset.submitted_version = version
    Asset.objects.bulk_update(assets, ["latest_version", "submitted_version"])

    # The big asset: one more version per index, each edited from the one before, each reviewed.
    big_generations = Generation.objects.bulk_create(
        _generation(board, index, mode=GenerationMode.EDIT, status=GenerationStatus.SUCCEEDED)
        for index in new
    )
    parent = board.big_asset.latest_version
    for index, generation in zip(new, big_generations, strict=True):
        parent = AssetVersion.objects.bulk_create(
            [_version(board, board.big_asset, index + 1, generation, parent=parent)]
        )[0]
    versions = list(board.big_asset.versions.order_by("number"))
    Review.objects.bulk_create(
        Review(
            asset=board.big_asset,
            version=versions[index],
            round=index + 1,
            step_name="Brand review",
            decision=Decision.REQUEST_CHANGES,
            comment=f"Round {index + 1}: warmer light.",
            decided_by=board.reviewer,
            decided_at=now,
        )
        for index in new
    )
    reproduction_generations = Generation.objects.bulk_create(
        _generation(board, index, is_reproduction=True, batch=None) for index in new
    )
    Reproduction.objects.bulk_create(
        Reproduction(
            version=versions[0],
            generation=generation,
            requested_by=board.marketer,
            output_thumbnail=board.thumbnail_name,
            is_identical=index % 2 == 0,
            distance=0.01 * index,
            finished_at=now,
        )
        for index, generation in zip(new, reproduction_generations, strict=True)
    )
    board.big_asset.latest_version = versions[-1]
    board.big_asset.submitted_version = versions[0]
    board.big_asset.submitted_by = board.marketer
    board.big_asset.submitted_at = now
    board.big_asset.review_status = ReviewStatus.IN_REVIEW
    board.big_asset.review_round = size + 1
    board.big_asset.save()
    # What output_versions_create keeps as each version is added, for these bulk-written ones.
    asset_search_text_refresh(asset_ids=[board.big_asset.pk, *(asset.pk for asset in assets)])

    Campaign.objects.bulk_create(
        Campaign(brand=board.brand, owner=board.marketer, name=f"Campaign {index}") for index in new
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            brand=board.brand,
            actor=board.reviewer if index % 3 else None,
            verb=AuditVerb.APPROVED,
            object_type="asset",
            object_id=asset.pk,
            object_repr=asset.title,
            campaign_id=board.campaign.pk,
            asset_id=asset.pk,
            data={"round": 1},
        )
        for index, asset in zip(new, assets, strict=True)
    )
    board.size = size


PAGES = {
    # name: (who looks, path)
    "campaign page": ("marketer", lambda board: board.campaign.get_absolute_url()),
    "campaign progress": (
        "marketer",
        lambda board: f"/campaigns/{board.campaign.pk}/progress.json",
    ),
    "asset page (marketer)": (
        "marketer",
        lambda board: board.big_asset.get_absolute_url() + "?v=1",
    ),
    "asset page (reviewer)": (
        "reviewer",
        lambda board: board.big_asset.get_absolute_url() + "?v=1",
    ),
    "asset compare": ("marketer", lambda board: board.big_asset.get_absolute_url() + "compare/"),
    "review inbox": ("reviewer", lambda board: "/reviews/"),
    "campaign list": ("marketer", lambda board: "/campaigns/"),
    "campaign page, searched": (
        "marketer",
        lambda board: board.campaign.get_absolute_url() + "?q=poster&status=in_review&version=1",
    ),
    "campaign page, last pages": (
        "marketer",
        lambda board: board.campaign.get_absolute_url() + "?page=last&gpage=last",
    ),
    "campaign progress, changes only": (
        "marketer",
        lambda board: f"/campaigns/{board.campaign.pk}/progress.json?ids=1,2,3&after=4&batches=1",
    ),
    "version picker": (
        "marketer",
        lambda board: f"/campaigns/{board.campaign.pk}/versions.json?q=poster+v1",
    ),
    "review inbox, filtered": ("reviewer", lambda board: "/reviews/?age=1&page=2"),
    "dashboard (reviewer)": ("reviewer", lambda board: "/"),
    "dashboard (marketer)": ("marketer", lambda board: "/"),
    "analytics": ("admin", lambda board: f"/brands/{board.brand.slug}/analytics/"),
    "audit log": ("admin", lambda board: f"/brands/{board.brand.slug}/audit/"),
    "brand library": ("marketer", lambda board: f"/brands/{board.brand.slug}/assets/"),
    "brand library, searched": (
        "marketer",
        lambda board: f"/brands/{board.brand.slug}/assets/?q=poster&from=2020-01-01&approved=",
    ),
}


def queries_of(client: Any, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_queries_do_not_grow_with_the_data(board: Board, client: Any, name: str) -> None:
    who, path_of = PAGES[name]
    client.force_login(getattr(board, who))
    path = path_of(board)
    queries_of(client, path)  # warm per-process caches (content types, thumbnails)
    small = queries_of(client, path)

    grow(board, LARGE)
    large = queries_of(client, path)

    # At most as many: a page may skip a query when the data makes it moot (the campaign page
    # asks for queue positions only when queued work is listed, and the large board's newest
    # 50 generations are all finished since reproductions left that list).
    assert len(large) <= len(small), (
        f"{name}: {len(small)} queries with {SMALL} of everything, {len(large)} with {LARGE}:\n"
        + "\n".join(large)
    )


def test_the_large_board_is_really_large(board: Board, client: Any) -> None:
    """The pages above really hold 200 rows at the large size: paged, every row is reachable
    and the counts say so."""
    grow(board, LARGE)
    client.force_login(board.reviewer)
    inbox = client.get("/reviews/").content.decode()
    assert inbox.count("data-inbox-item") == 25
    assert f"{LARGE + 1} waiting" in inbox  # and the big asset
    last = client.get("/reviews/?page=9").content.decode()
    assert last.count("data-inbox-item") == LARGE + 1 - 8 * 25
    client.force_login(board.marketer)
    url = board.campaign.get_absolute_url()
    campaign = client.get(url).content.decode()
    assert campaign.count("data-asset>") == 48
    assert f"{LARGE + 1} assets" in campaign
    last = client.get(url + "?page=5").content.decode()
    assert last.count("data-asset>") == LARGE + 1 - 4 * 48
    asset = client.get(board.big_asset.get_absolute_url() + "?v=1").content.decode()
    assert asset.count("Round ") == LARGE
    assert asset.count("Reproduction #") == LARGE
    assert board.big_asset.versions.count() == LARGE
