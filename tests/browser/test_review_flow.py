"""The whole review story in a real browser, through the UI only: generate from a template, request
changes, edit from that version, resubmit, approve from the inbox keyboard, locked.

Screenshots of each main page land in test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

BRAND = "Northwind Coffee"
CAMPAIGN = "Cold brew spring launch"
GENERATION_TIMEOUT_MS = 30_000


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def nav_links(page: Page) -> list[str]:
    return [text.strip() for text in nav(page).locator("a").all_inner_texts()]


def reload_until(page: Page, locator: Locator, *, timeout: float, what: str) -> None:
    """Reload the page until `locator` matches something; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while locator.count() == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        page.wait_for_timeout(250)
        page.reload()


def test_each_role_logs_in_and_sees_its_navigation(demo: None, page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    screenshot(page, "01-login")

    page.get_by_label("Username").fill("demo-marketer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("didn't match")

    log_in(page, "demo-admin")
    expect(page.locator(".logout")).to_contain_text("Avery Admin")
    assert {"Brands", "Campaigns", "Reviews", "Curation (admin)"} <= set(nav_links(page))
    nav(page).get_by_role("link", name="Brands").click()
    page.get_by_role("main").get_by_role("link", name=BRAND).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(BRAND)
    screenshot(page, "02-brand")

    log_in(page, "demo-reviewer")
    expect(page.locator(".logout")).to_contain_text("Riley Reviewer")
    assert "Reviews" in nav_links(page)
    assert "Curation (admin)" not in nav_links(page)

    log_in(page, "demo-marketer")
    expect(page.locator(".logout")).to_contain_text("Morgan Marketer")
    assert {"Brands", "Campaigns"} <= set(nav_links(page))
    assert "Curation (admin)" not in nav_links(page)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_generate_request_changes_edit_resubmit_approve_and_lock(demo: None, page: Page) -> None:
    # The marketer generates from the template and watches the row finish.
    log_in(page, "demo-marketer")
    nav(page).get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name=CAMPAIGN).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    expect(page.get_by_label("Product name")).to_have_count(0)
    page.get_by_label("Poster template").select_option(label="Launch poster v1")
    expect(page).to_have_url(re.compile(r"[?&]template=\d+"))
    page.get_by_label("Product name").fill("Cold brew No. 1")
    page.get_by_label("Mood line").fill("Slow mornings, bright light")
    page.get_by_label("Provider").select_option("local")
    page.get_by_label("Size:", exact=True).select_option("1K")
    screenshot(page, "03-campaign-form")
    page.get_by_role("button", name="Queue generation").click()

    expect(page.get_by_role("status")).to_contain_text("Queued 1 generation.")
    row = page.locator("#generation-rows tr[data-generation]")
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("Succeeded", timeout=GENERATION_TIMEOUT_MS)
    asset_card = page.locator("#asset-board li.card")
    expect(asset_card).to_have_count(1, timeout=GENERATION_TIMEOUT_MS)
    expect(asset_card).to_contain_text("Draft")
    screenshot(page, "04-campaign-progress")

    # ...opens the asset and submits version 1.
    asset_card.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft")
    expect(page.get_by_label("Submit for review")).to_have_value(re.compile(r"\d+"))
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 is in review.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("In review")
    asset_url = page.url.split("?")[0]

    # The reviewer finds it in the inbox; changes need a comment.
    log_in(page, "demo-reviewer")
    nav(page).get_by_role("link", name=re.compile(r"^Reviews")).click()
    item = page.locator("[data-inbox-item]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("v1")
    expect(item).to_contain_text(CAMPAIGN)
    screenshot(page, "05-review-inbox")
    item.get_by_role("button", name="Request changes").click()
    # Refused without a comment: back on the same card, the error in place, nothing decided.
    expect(page).to_have_url(re.compile(r"/reviews/#inbox-\d+$"))
    expect(item.get_by_role("alert")).to_contain_text("a comment is required")
    expect(item.get_by_role("button", name="Request changes")).to_have_class("chosen")

    item.get_by_label("Comment").fill("Warmer light, and show the label straight on.")
    item.get_by_role("button", name="Request changes").click()
    expect(page).to_have_url(re.compile(r"/reviews/$"))
    expect(page.get_by_role("status")).to_contain_text("Request changes: version 1.")
    expect(page.locator("#inbox")).to_contain_text("Nothing is waiting for you.")

    # The marketer sees the request, edits from version 1 and resubmits version 2.
    log_in(page, "demo-marketer")
    page.goto(asset_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Changes requested")
    expect(page.locator(".history")).to_contain_text(
        "Warmer light, and show the label straight on."
    )
    screenshot(page, "06-asset-changes-requested")
    page.get_by_label("Edit from version 1").fill("Warmer light; the label facing the camera")
    page.get_by_role("button", name="Queue edit").click()
    expect(page.get_by_role("status")).to_contain_text("Edit queued")
    reload_until(
        page,
        page.locator(".version-strip").get_by_text("v2"),
        timeout=GENERATION_TIMEOUT_MS / 1000,
        what="version 2",
    )
    page.get_by_role("link", name="Compare versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare versions")
    expect(page.locator(".compare-side figcaption")).to_have_text(["Version 1", "Version 2"])
    screenshot(page, "07-compare")

    page.goto(asset_url)
    expect(page.get_by_label("Submit for review")).to_have_text(re.compile(r"Version 2"))
    page.get_by_label("Submit for review").select_option(label="Version 2")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 is in review.")

    # The reviewer approves from the inbox with the keyboard.
    log_in(page, "demo-reviewer")
    page.goto("/reviews/")
    expect(page.locator("[data-inbox-item]")).to_contain_text("v2")
    expect(page.locator("[data-inbox-item].active")).to_be_focused()
    page.keyboard.press("a")
    expect(page.get_by_role("status")).to_contain_text("Approve: version 2.")
    expect(page.locator("#inbox")).to_contain_text("Nothing is waiting for you.")

    # Approved and locked on version 2; no further decision is offered.
    page.goto(asset_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    expect(page.locator(".page-header .meta")).to_contain_text("approved: version 2 (locked)")
    expect(page.locator("figcaption")).to_contain_text("Version 2 · approved, locked")
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(page.locator(".history li")).to_have_count(2)
    screenshot(page, "08-asset-approved")

    # The admin's audit log shows the story; the admin curates packs in the Django admin.
    log_in(page, "demo-admin")
    page.goto("/brands/northwind-coffee/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.locator("tbody")).to_contain_text("Changes requested")
    expect(page.locator("tbody")).to_contain_text("Version locked")
    screenshot(page, "09-audit-log")
    nav(page).get_by_role("link", name="Curation (admin)").click()
    page.get_by_role("link", name="Reference packs").first.click()
    page.get_by_role("link", name="Bottle studies").first.click()
    expect(page.locator("#content")).to_contain_text("Bottle studies v1")
    expect(page.locator("#content")).to_contain_text("Angle 4")
    screenshot(page, "10-admin-reference-pack")
