"""Finding things at scale: the campaign board's search filters, the source-version picker and
the progress poll (both scoped to the campaign), the inbox's reviewer-group rule in SQL, and the
query-string helper that keeps filters in pager links."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from brandkit.choices import BrandStatus, MembershipRole
from projects.choices import ReviewStatus
from projects.filters import asset_filters, id_list
from projects.models import ApprovalStep, Asset, AssetVersion, Generation
from projects.selectors import campaign_asset_search, pending_review_count, review_inbox
from projects.services.campaigns import campaign_create
from tests.factories import UserFactory, brand_with_admin, member
from tests.projects.test_views_query_counts import (  # noqa: F401
    Board,
    _generation,
    _version,
    board,
    grow,
)

pytestmark = pytest.mark.django_db


def titles(shown: Board, **params: str) -> set[str]:
    found = campaign_asset_search(campaign=shown.campaign, filters=asset_filters(params))
    return {asset.title for asset in found}


def test_search_by_title_and_prompt_words_status_version_and_approval(board: Board) -> None:  # noqa: F811
    grow(board, 20)
    assert titles(board, q="HERO") == {"Hero poster"}
    # Every word must match, in the title or in the prompt of any version ("take 7", "take 17").
    assert titles(board, q="bottle take 7") == {"Poster 7", "Poster 17", "Hero poster"}
    assert len(titles(board, status=ReviewStatus.IN_REVIEW)) == 21
    assert titles(board, status=ReviewStatus.APPROVED) == set()
    assert titles(board, version="2") == titles(board, version="v2") == {"Hero poster"}
    assert titles(board, approved="1") == set()
    poster = Asset.objects.get(title="Poster 3")
    Asset.objects.filter(pk=poster.pk).update(approved_version=poster.latest_version)
    assert titles(board, approved="1") == {"Poster 3"}
    # Nonsense is dropped, not an error: the page shows what the other filters select.
    assert len(titles(board, version="abc", status="nope")) == 21


def test_the_board_pages_and_keeps_its_filters_in_the_links(board: Board, client: Any) -> None:  # noqa: F811
    grow(board, 60)
    client.force_login(board.marketer)
    url = board.campaign.get_absolute_url()
    html = client.get(url + "?q=poster&gstatus=failed").content.decode()
    assert html.count("data-asset>") == 48
    assert "61 assets found" in html
    assert "?q=poster&amp;gstatus=failed&amp;page=2#asset-board" in html
    # The generation filter shows failed rows only and its pager keeps the asset search.
    statuses = html.split('data-status="')[1:]
    assert statuses and all(line.startswith("failed") for line in statuses)
    last = client.get(url + "?q=poster&page=999").content.decode()
    assert last.count("data-asset>") == 61 - 48


def test_version_picker_offers_only_this_campaigns_versions(board: Board, client: Any) -> None:  # noqa: F811
    other = campaign_create(brand=board.brand, owner=board.marketer, name="Autumn")
    stranger_asset = Asset.objects.create(
        campaign=other, title="Autumn hero", created_by=board.marketer
    )
    generation = Generation.objects.bulk_create([_generation(board, 999, campaign=other)])[0]
    AssetVersion.objects.bulk_create([_version(board, stranger_asset, 1, generation)])
    client.force_login(board.marketer)
    picker = f"/campaigns/{board.campaign.pk}/versions.json"
    labels = [row["label"] for row in client.get(picker, {"q": "hero"}).json()["versions"]]
    assert labels and all(label.startswith("Hero poster v") for label in labels)
    assert "Autumn hero v1" not in labels
    assert client.get(picker, {"q": "autumn"}).json()["versions"] == []
    # Another brand's member cannot list this campaign's versions at all.
    _, outsider = brand_with_admin(name="Other", slug="other", status=BrandStatus.PUBLISHED)
    client.force_login(outsider)
    assert client.get(picker, {"q": "hero"}).status_code == 404


def test_the_progress_poll_answers_only_what_it_asks_about(board: Board, client: Any) -> None:  # noqa: F811
    other = campaign_create(brand=board.brand, owner=board.marketer, name="Autumn")
    foreign = Generation.objects.bulk_create([_generation(board, 500, campaign=other)])[0]
    # Reproductions are not on the generation list (the asset page shows them), nor polled.
    mine = list(
        Generation.objects.filter(campaign=board.campaign, is_reproduction=False).order_by("pk")
    )
    client.force_login(board.marketer)
    url = f"/campaigns/{board.campaign.pk}/progress.json"
    asked = f"{mine[0].pk},{foreign.pk}"
    data = client.get(url, {"ids": asked, "after": str(mine[-1].pk), "batches": ""}).json()
    assert [row["id"] for row in data["generations"]] == [mine[0].pk]
    assert data["batches"] == []
    newer = client.get(url, {"ids": "", "after": str(mine[-2].pk)}).json()["generations"]
    assert [row["id"] for row in newer] == [mine[-1].pk]
    assert id_list("1,x,,3") == [1, 3]


def test_the_inbox_applies_reviewer_groups_in_the_database(board: Board) -> None:  # noqa: F811
    outsider = member(board.brand, MembershipRole.REVIEWER, username="not-in-group")
    # The one step's group names board.reviewer only: the other reviewer sees nothing.
    assert len(review_inbox(user=board.reviewer)) == 6
    assert review_inbox(user=outsider) == []
    assert pending_review_count(user=outsider) == 0
    assert pending_review_count(user=board.reviewer) == 6
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert len(review_inbox(user=superuser)) == 6
    # Past the end of the chain (a step was removed) every reviewer of the brand may decide.
    Asset.objects.filter(campaign=board.campaign).update(current_step=1)
    assert len(review_inbox(user=outsider)) == 6
    # A second step with an empty group: anyone of the brand's reviewers.
    ApprovalStep.objects.create(brand=board.brand, position=1, name="Legal")
    items = review_inbox(user=outsider)
    assert len(items) == 6 and {item.step_name for item in items} == {"Legal"}


def test_query_with_keeps_every_other_parameter() -> None:
    request = RequestFactory().get("/x", {"q": "hero shot", "page": "2", "status": "approved"})
    template = Template(
        '{% load projects_tags %}{% query_with "page" 3 %}|{% query_with "status" "" %}'
    )
    rendered = template.render(Context({"request": request}))
    assert rendered == "?q=hero+shot&amp;page=3&amp;status=approved|?q=hero+shot&amp;page=2"
