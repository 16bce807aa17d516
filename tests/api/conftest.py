"""Fixtures of the API tests: two brands with every kind of object, and tokens for their people."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from api.choices import TokenScope
from api.services.tokens import token_create
from brandkit.choices import BrandStatus, MembershipRole
from projects.choices import Decision
from projects.models import AssetVersion, Generation
from projects.services.approvals import approval_decide, approval_submit
from projects.services.campaigns import campaign_create
from projects.services.generation_requests import GenerationInput, generation_request
from tests.factories import brand_with_admin, member, published_pack, published_template
from tests.projects.conftest import Studio, media_root, rq_settings  # noqa: F401
from tests.projects.review_support import LOCAL_SIZE, inline_queue  # noqa: F401

API = "/api/v1"


def make_studio(slug: str) -> Studio:
    """A published brand with one member per role, a published pack and template, a campaign."""
    brand, admin = brand_with_admin(name=slug.title(), slug=slug, status=BrandStatus.PUBLISHED)
    marketer = member(brand, MembershipRole.MARKETER, username=f"{slug}-marketer")
    reviewer = member(brand, MembershipRole.REVIEWER, username=f"{slug}-reviewer")
    pack = published_pack(brand, admin)
    template = published_template(brand, admin)
    campaign = campaign_create(
        brand=brand, owner=marketer, name="Spring", budget=Decimal("5.00"), channels=["web"]
    )
    return Studio(brand, admin, marketer, reviewer, pack, template, campaign)


@dataclass
class World:
    """Brand A (the caller's) and brand B (someone else's), each with work in every state."""

    a: Studio
    b: Studio
    b_generation: Generation
    b_version: AssetVersion
    b_batch_id: int
    a_version: AssetVersion
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}")
        return client


def render_version(studio: Studio, *, variants: int = 1) -> list[Generation]:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return generation_request(
            generation_input=GenerationInput(
                campaign_id=studio.campaign.pk,
                prompt="a cold brew bottle",
                size=LOCAL_SIZE,
                variants=variants,
            ),
            user=studio.marketer,
        )


@pytest.fixture
def world(db: None, media_root: Any, inline_queue: Any) -> World:  # noqa: F811
    a = make_studio("alpha")
    b = make_studio("bravo")
    [generation] = render_version(b)
    version = AssetVersion.objects.select_related("asset").get(generation=generation)
    approval_submit(asset=version.asset, version=version, user=b.marketer)
    approval_decide(
        asset=version.asset,
        version=version,
        decision=Decision.REQUEST_CHANGES,
        comment="warmer light",
        user=b.reviewer,
    )
    batch_generations = render_version(b, variants=2)
    [a_generation] = render_version(a)
    a_version = AssetVersion.objects.select_related("asset").get(generation=a_generation)
    world = World(a, b, generation, version, batch_generations[0].batch_id, a_version)
    for who, user, scope in [
        ("a_admin", a.admin, TokenScope.WRITE),
        ("a_marketer", a.marketer, TokenScope.WRITE),
        ("a_marketer_read", a.marketer, TokenScope.READ),
        ("a_reviewer", a.reviewer, TokenScope.WRITE),
        ("b_marketer", b.marketer, TokenScope.WRITE),
    ]:
        _, world.tokens[who] = token_create(user=user, name=who, scope=scope)
    return world
