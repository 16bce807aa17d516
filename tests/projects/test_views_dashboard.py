"""The home page: my campaigns with budget bars, reviews waiting, recent generations with live
status, this month's spend per brand; scoped to my brands, in a fixed number of queries."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brandkit.choices import BrandStatus
from projects.choices import GenerationStatus
from projects.models import Generation
from projects.selectors import month_spend_by_brand
from projects.selectors.dashboard import month_bounds
from projects.services.campaigns import campaign_create
from tests.factories import UserFactory, brand_with_admin
from tests.projects.analytics_support import bulk_history
from tests.projects.review_support import asset_in, inline_queue  # noqa: F401

S = GenerationStatus


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_home_is_the_dashboard_and_brands_moved_to_brands(studio: Any) -> None:
    assert reverse("projects:dashboard") == "/"
    assert reverse("brandkit:brand_list") == "/brands/"
    assert settings.LOGIN_REDIRECT_URL == "projects:dashboard"
    client = client_for(studio.marketer)
    assert client.get("/brands/").status_code == 200
    assert Client().get("/").status_code == 302  # to the login page


def test_dashboard_shows_campaigns_reviews_generations_and_spend(studio: Any) -> None:
    bulk_history(studio, 6)
    page = client_for(studio.reviewer).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    # $0.18 spent (6 x $0.03, failed ones included) of the $5.00 budget.
    assert "Spring" in html and "$0.18 spent of $5.00 (4%)" in html
    assert 'aria-valuenow="4"' in html
    # Three of the six wait for review (the reviewer made none of them).
    assert '<span class="count-large">3</span>' in html
    assert "Bulk 1" in html and "Bulk 5" in html
    assert 'data-generation="' in html and "bulk 5" in html
    assert "Acme" in html and "$0.18</td>" in html
    assert reverse("projects:brand_analytics", args=["acme"]) in html


def test_my_campaigns_come_first_and_other_brands_stay_hidden(studio: Any) -> None:
    campaign_create(
        brand=studio.brand, owner=studio.admin, name="Admin's own", budget=Decimal("2.00")
    )
    other_brand, other_admin = brand_with_admin(
        name="Hidden Co", slug="hidden", status=BrandStatus.PUBLISHED
    )
    campaign_create(brand=other_brand, owner=other_admin, name="Secret", budget=Decimal("1.00"))
    html = client_for(studio.marketer).get("/").content.decode()
    assert html.index("Spring") < html.index("Admin&#x27;s own")
    assert "Secret" not in html and "Hidden Co" not in html
    assert client_for(UserFactory(username="loner")).get("/").status_code == 200


def test_generations_json_feeds_the_live_status(studio: Any) -> None:
    bulk_history(studio, 3)
    Generation.objects.filter(prompt="bulk 2").update(status=S.RUNNING, finished_at=None)
    response = client_for(studio.marketer).get(reverse("projects:dashboard_generations"))
    assert response.status_code == 200
    rows = json.loads(response.content)["generations"]
    assert [row["prompt"] for row in rows] == ["bulk 2", "bulk 1", "bulk 0"]
    assert rows[0]["status"] == "running" and rows[0]["is_active"]
    assert rows[0]["campaign"] == "Spring" and rows[0]["brand"] == "Acme"
    assert rows[0]["campaign_url"] == studio.campaign.get_absolute_url() + "#progress"
    stranger = client_for(UserFactory(username="stranger"))
    assert json.loads(stranger.get(reverse("projects:dashboard_generations")).content) == {
        "generations": []
    }


def test_month_spend_counts_only_generations_finished_this_calendar_month(studio: Any) -> None:
    now = timezone.now()
    start, end = month_bounds(now)
    bulk_history(studio, 4, now=now)
    # The first finished just before this month began, the second is still running.
    Generation.objects.filter(prompt="bulk 0").update(finished_at=start - timedelta(seconds=1))
    Generation.objects.filter(prompt="bulk 1").update(status=S.RUNNING, finished_at=None)
    Generation.objects.filter(prompt="bulk 2").update(finished_at=start)
    Generation.objects.filter(prompt="bulk 3").update(finished_at=end - timedelta(seconds=1))
    spend = month_spend_by_brand(user=studio.marketer, now=now)
    [row] = spend.brands
    assert (row.brand, row.spent, row.generations) == (studio.brand, Decimal("0.0600"), 2)
    assert spend.total == Decimal("0.0600")


def test_month_bounds_cover_december_into_january() -> None:
    zone = timezone.get_current_timezone()
    start, end = month_bounds(datetime(2025, 12, 15, 10, tzinfo=zone))
    assert (start, end) == (datetime(2025, 12, 1, tzinfo=zone), datetime(2026, 1, 1, tzinfo=zone))


# The home page counts the inbox in SQL and loads only the five it shows (one query more than
# loading every waiting asset, which took 55 ms at 500 waiting), and sums the spend of the eight
# campaigns it shows only (one more than an aggregate over every open campaign, run twice).
# And one for the changes requested on the user's assets (their reviews come with them).
@pytest.mark.parametrize(("path", "most"), [("/", 13), ("/dashboard/generations.json", 4)])
def test_query_count_is_the_same_for_5_and_200_assets(studio: Any, path: str, most: int) -> None:
    client = client_for(studio.reviewer)
    bulk_history(studio, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    bulk_history(studio, 195)
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= most


@pytest.mark.usefixtures("inline_queue")
def test_the_marketer_sees_changes_requested_on_their_assets_with_the_comment(studio: Any) -> None:
    from projects.choices import ReviewStatus

    asset, _version = asset_in(studio, ReviewStatus.CHANGES_REQUESTED)
    client = Client()
    client.force_login(studio.marketer)

    page = client.get(reverse("projects:dashboard")).content.decode()

    assert "Changes requested on your assets" in page
    assert asset.title[:20] in page and "Not on brand." in page and "round 1" in page
    reviewer = Client()
    reviewer.force_login(studio.reviewer)
    assert "Changes requested on your assets" not in reviewer.get("/").content.decode()
