"""The analytics page: members see exact figures with charts and tables, others get 404, and the
page costs the same number of queries for 5 assets as for 200."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brandkit.choices import BrandStatus, MembershipRole
from projects.models import Generation
from projects.services.campaigns import campaign_create
from tests.factories import UserFactory, brand_with_admin, member
from tests.projects.analytics_support import bulk_history, reviewed_history
from tests.projects.review_support import inline_queue  # noqa: F401


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def analytics_url(studio: Any, **query: Any) -> str:
    url = reverse("projects:brand_analytics", args=[studio.brand.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.redis
def test_members_see_the_exact_figures(studio: Any, inline_queue: Any) -> None:  # noqa: F811
    reviewed_history(studio, start=timezone.now() - timedelta(days=3))
    Generation.objects.filter(campaign=studio.campaign).update(cost=Decimal("0.0300"))
    for user in (studio.reviewer, studio.marketer, studio.admin):
        page = client_for(user).get(analytics_url(studio))
        assert page.status_code == 200
    html = page.content.decode()
    assert "<dd>2 h 00 min</dd>" in html  # median time to approval
    assert "<dd>1 d 4 h</dd>" in html  # p90
    assert "<dd>1.33 rounds</dd>" in html
    assert "approved in their first review round with no changes requested" in html
    assert "67% (2 of 3)" in html  # Product shots v1
    assert "<dd>2.00</dd>" in html and "<dd>$0.0600</dd>" in html
    assert html.count('<svg class="chart"') >= 5
    assert 'aria-labelledby="chart-approval-title chart-approval-desc"' in html


@pytest.mark.redis
def test_campaign_scope_shows_only_that_campaign(studio: Any, inline_queue: Any) -> None:  # noqa: F811
    reviewed_history(studio, start=timezone.now() - timedelta(days=3))
    other = campaign_create(
        brand=studio.brand, owner=studio.marketer, name="Autumn", budget=Decimal("1.00")
    )
    html = client_for(studio.reviewer).get(analytics_url(studio, campaign=other.pk))
    assert html.status_code == 200
    text = html.content.decode()
    assert "Analytics: Acme" in text and "· Autumn" in text
    assert "No data yet: no asset has been approved." in text
    assert "2 h 00 min" not in text


def test_empty_brand_says_no_data_yet_and_shows_no_numbers(studio: Any) -> None:
    html = client_for(studio.reviewer).get(analytics_url(studio)).content.decode()
    assert html.count("No data yet") == 6
    assert "<svg" not in html
    assert "<dd>" not in html


def test_non_members_and_foreign_campaigns_get_404(studio: Any) -> None:
    stranger = UserFactory(username="stranger")
    assert client_for(stranger).get(analytics_url(studio)).status_code == 404
    other_brand, other_admin = brand_with_admin(
        name="Other", slug="other", status=BrandStatus.PUBLISHED
    )
    foreign = campaign_create(
        brand=other_brand, owner=other_admin, name="Elsewhere", budget=Decimal("1.00")
    )
    response = client_for(studio.reviewer).get(analytics_url(studio, campaign=foreign.pk))
    assert response.status_code == 404
    assert Client().get(analytics_url(studio)).status_code == 302  # to the login page


def test_nav_link_goes_to_the_first_brand_and_the_brand_page_links_here(studio: Any) -> None:
    second, _ = brand_with_admin(name="Zeta", slug="zeta", status=BrandStatus.PUBLISHED)
    member(second, MembershipRole.REVIEWER, username="zeta-reviewer")
    client = client_for(studio.reviewer)
    response = client.get(reverse("projects:analytics_index"))
    assert response.status_code == 302
    assert response["Location"] == analytics_url(studio)
    assert analytics_url(studio) in client.get(studio.brand.get_absolute_url()).content.decode()
    nobody = client_for(UserFactory(username="nobody"))
    assert nobody.get(reverse("projects:analytics_index"))["Location"] == reverse(
        "brandkit:brand_list"
    )


def test_query_count_is_the_same_for_5_and_200_assets(studio: Any) -> None:
    client = client_for(studio.reviewer)
    bulk_history(studio, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(analytics_url(studio)).status_code == 200
    bulk_history(studio, 195)
    with CaptureQueriesContext(connection) as large:
        page = client.get(analytics_url(studio))
    assert page.status_code == 200
    assert "<dd>101</dd>" in page.content.decode()  # 3 + 98 approved assets
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    # session, user, brands, campaigns, 5 for figures (decisions, first queue times, totals per
    # provider and status, latencies, the rows of the days charted), 2 for the nav
    assert len(large) <= 11
