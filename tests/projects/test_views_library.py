"""The brand library: a brand's assets across its campaigns, found by words, campaign, review
status and the days they were made, for members of that brand only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from brandkit.choices import BrandStatus
from projects.models import Asset, Campaign
from projects.services.asset_search_text import asset_search_text_refresh
from tests.factories import UserFactory, brand_with_admin
from tests.projects.test_views_query_counts import Board, board, grow  # noqa: F401

pytestmark = pytest.mark.django_db


def _asset(campaign: Campaign, title: str, user: Any) -> Asset:
    asset = Asset.objects.create(campaign=campaign, title=title, created_by=user)
    asset_search_text_refresh(asset_ids=[asset.pk])
    return asset


def _titles(client: Any, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200
    return {asset.title for asset in response.context["asset_page"]}


@pytest.fixture
def library(board: Board) -> Board:  # noqa: F811
    """The board's campaign with 5 posters, a second campaign of the brand with one, and another
    brand whose poster must never show."""
    grow(board, 5)
    autumn = Campaign.objects.create(brand=board.brand, owner=board.marketer, name="Autumn")
    _asset(autumn, "Autumn poster", board.marketer)
    other, other_admin = brand_with_admin(
        name="Elsewhere", slug="elsewhere", status=BrandStatus.PUBLISHED
    )
    elsewhere = Campaign.objects.create(brand=other, owner=other_admin, name="Theirs")
    _asset(elsewhere, "Their poster", other_admin)
    return board


def test_the_library_finds_assets_in_every_campaign_of_the_brand_only(
    library: Board, client: Any
) -> None:
    client.force_login(library.marketer)
    url = f"/brands/{library.brand.slug}/assets/"
    found = _titles(client, url + "?q=POSTER")
    assert "Autumn poster" in found and "Poster 3" in found and "Hero poster" in found
    assert "Their poster" not in found
    html = client.get(url + "?q=poster").content.decode()
    assert "Autumn · " in html  # each card names its campaign


def test_the_campaign_filter_narrows_and_a_foreign_campaign_is_not_found(
    library: Board, client: Any
) -> None:
    client.force_login(library.marketer)
    url = f"/brands/{library.brand.slug}/assets/"
    autumn = Campaign.objects.get(name="Autumn")
    assert _titles(client, f"{url}?campaign={autumn.pk}") == {"Autumn poster"}
    theirs = Campaign.objects.get(name="Theirs")
    assert client.get(f"{url}?campaign={theirs.pk}").status_code == 404


def test_the_days_made_select_last_spring(library: Board, client: Any) -> None:
    client.force_login(library.marketer)
    spring = timezone.now().replace(month=4, day=15, hour=12) - timedelta(days=365)
    Asset.objects.filter(title__in=["Poster 1", "Autumn poster"]).update(created_at=spring)
    url = f"/brands/{library.brand.slug}/assets/"
    day = spring.date()
    spring_range = f"?from={day.replace(month=3, day=1)}&to={day.replace(month=5, day=31)}"
    assert _titles(client, url + spring_range) == {"Poster 1", "Autumn poster"}
    # The same days given the wrong way round, and a search within them.
    swapped = f"?to={day.replace(month=3, day=1)}&from={day.replace(month=5, day=31)}"
    assert _titles(client, url + swapped) == {"Poster 1", "Autumn poster"}
    assert _titles(client, url + spring_range + "&q=autumn") == {"Autumn poster"}
    # Nonsense dates are dropped, not an error.
    assert "Poster 2" in _titles(client, url + "?from=spring&to=2026-13-45")


def test_only_members_see_a_brand_library(library: Board, client: Any) -> None:
    url = f"/brands/{library.brand.slug}/assets/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get("/library/").status_code == 302  # no brand: the brand list explains


def test_the_nav_library_opens_the_first_brand(library: Board, client: Any) -> None:
    client.force_login(library.marketer)
    response = client.get("/library/")
    assert response.status_code == 302
    assert response["Location"] == f"/brands/{library.brand.slug}/assets/"
