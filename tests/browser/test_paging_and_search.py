"""Paging and search in a real browser, with the filters kept in the URL: the campaign board of
a campaign with hundreds of assets, and a reviewer's inbox with more than a page waiting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bench.scale_data import Scale, build_scale
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "paging-pass-1"


@pytest.fixture
def scale(live_server: Any, live_settings: Any) -> Scale:
    made = build_scale(assets=400, campaigns=1, waiting=60, slug="paging")
    for user in (made.marketer, made.reviewer):
        user.set_password(PASSWORD)
        user.save()
    return made


def test_campaign_board_search_and_pages_keep_the_filters(scale: Scale, page: Page) -> None:
    log_in(page, scale.marketer.username, PASSWORD)
    page.goto(scale.big_campaign.get_absolute_url())
    board = page.locator("#asset-board")
    expect(board).to_contain_text("400 assets")
    expect(board.locator("[data-asset]")).to_have_count(48)

    page.get_by_label("Search").fill("espresso")
    page.get_by_label("Review").select_option("approved")
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"q=espresso.*status=approved"))
    found = board.locator("[data-asset]")
    expect(found.first).to_be_visible()
    expect(board).to_contain_text(re.compile(r"\d+ assets? found"))
    for badge in found.locator(".badge").all_inner_texts():
        assert badge == "Approved"
    screenshot(page, "10-campaign-search")

    # Without the status filter there are more than a page of espresso assets: page on.
    page.get_by_label("Review").select_option("")
    page.get_by_role("button", name="Find").click()
    expect(page).not_to_have_url(re.compile(r"status=approved"))
    first_page = board.locator("[data-asset] strong").all_inner_texts()
    assert len(first_page) == 48
    board.get_by_role("navigation", name="Asset pages").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"q=espresso.*page=2|page=2.*q=espresso"))
    expect(page.get_by_label("Search")).to_have_value("espresso")
    expect(board.get_by_role("navigation", name="Asset pages")).to_contain_text("Page 2 of")
    second_page = board.locator("[data-asset] strong").all_inner_texts()
    assert second_page and not set(second_page) & set(first_page)


def test_review_inbox_pages_with_its_filters(scale: Scale, page: Page) -> None:
    log_in(page, scale.reviewer.username, PASSWORD)
    page.goto("/reviews/")
    expect(page.get_by_role("main")).to_contain_text("60 waiting")
    expect(page.locator("[data-inbox-item]")).to_have_count(25)

    page.get_by_label("Waiting at least").select_option("3")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"age=3"))
    expect(page.get_by_role("main")).to_contain_text("with these filters")
    pager = page.get_by_role("navigation", name="Inbox pages")
    pager.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"age=3.*page=2|page=2.*age=3"))
    expect(page.get_by_label("Waiting at least")).to_have_value("3")
    expect(pager).to_contain_text("Page 2 of")
    expect(page.locator("[data-inbox-item]").first).to_be_visible()
    screenshot(page, "11-inbox-page-2")


def test_brand_library_finds_last_springs_approved_banners(scale: Scale, page: Page) -> None:
    """Across the brand's campaigns, by words, approval and the days made; pages keep it all."""
    log_in(page, scale.marketer.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page).to_have_url(re.compile(rf"/brands/{scale.brand.slug}/assets/$"))
    library = page.locator("#library")
    expect(library).to_contain_text("400 assets, newest first")

    page.get_by_label("Search").fill("banner")
    page.get_by_label("Has an approved version").check()
    # The scale data spreads the assets over the past year: ask for its middle months.
    start, end = scale_days(scale)
    page.get_by_label("Made from").fill(start)
    page.get_by_label("to", exact=True).fill(end)
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"q=banner"))
    for param in ("approved=1", f"from={start}", f"to={end}"):
        assert param in page.url
    found = library.locator("[data-asset]")
    expect(found.first).to_be_visible()
    for title in found.locator("strong").all_inner_texts():
        assert title.startswith("Banner")
    expect(page.get_by_label("Has an approved version")).to_be_checked()
    screenshot(page, "12-brand-library")


def scale_days(scale: Scale) -> tuple[str, str]:
    """Three months in the middle of the scale data's year, as the date inputs want them."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return (str(today - timedelta(days=270)), str(today - timedelta(days=180)))
