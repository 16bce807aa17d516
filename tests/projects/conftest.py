"""Fixtures of the campaign tests: a ready brand and campaign, and RQ on the test Redis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from brandkit.choices import BrandStatus, MembershipRole
from brandkit.models import Brand, PosterTemplate, ReferencePack
from projects.models import Campaign
from projects.services.campaigns import campaign_create
from tests.contract.conftest import fake_provider, loopback_only, provider_settings  # noqa: F401
from tests.factories import brand_with_admin, member, published_pack, published_template


@dataclass
class Studio:
    brand: Brand
    admin: Any
    marketer: Any
    reviewer: Any
    pack: ReferencePack
    template: PosterTemplate
    campaign: Campaign


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def studio(db: None, media_root: Path) -> Studio:
    """A published brand with one member per role, a published pack (2 images), a published
    template with a `product` slot, and a campaign with a $5 budget."""
    brand, admin = brand_with_admin(
        name="Acme", slug="acme", status=BrandStatus.PUBLISHED, prompt_suffix="palette #0A3D62"
    )
    marketer = member(brand, MembershipRole.MARKETER, username="acme-marketer")
    reviewer = member(brand, MembershipRole.REVIEWER, username="acme-reviewer")
    pack = published_pack(brand, admin)
    template = published_template(brand, admin)
    campaign = campaign_create(
        brand=brand, owner=marketer, name="Spring", budget=Decimal("5.00"), channels=["web"]
    )
    return Studio(brand, admin, marketer, reviewer, pack, template, campaign)


@pytest.fixture
def rq_settings(settings: Any, redis_url: str, rq_queue: Any) -> Any:
    """Point the app's queue at the test Redis (flushed around the test)."""
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.BRANDKIT_QUEUE_MODE = "rq"
    return settings


def work_queue(*, max_jobs: int | None = None) -> None:
    """Run the default queue to empty in this process, as a worker would."""
    from projects.queue import get_connection, get_queue
    from projects.worker import BrandkitWorker

    class BurstWorker(BrandkitWorker):
        def subscribe(self) -> None:
            """No stop-job channel: a burst run takes no commands, and joining the idle pubsub
            thread costs a second per run."""

    worker = BurstWorker([get_queue()], connection=get_connection())
    worker.work(burst=True, max_jobs=max_jobs, with_scheduler=False)
