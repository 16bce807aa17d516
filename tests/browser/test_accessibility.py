"""Basic accessibility of every main page in a real browser: one h1, labelled form fields, images
with alt text, and a skip link that works from the keyboard."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase
from playwright.sync_api import Page, expect

from brandkit.models import PosterTemplate
from projects.choices import GenerationMode
from projects.models import AssetVersion, Campaign
from projects.services.approvals import approval_submit
from projects.services.generation_requests import GenerationInput, generation_request
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

UNLABELLED_FIELDS = """() => Array.from(
    document.querySelectorAll("input:not([type=hidden]), select, textarea")
).filter((field) => field.labels.length === 0
    && !field.getAttribute("aria-label") && !field.getAttribute("aria-labelledby")
).map((field) => field.outerHTML.slice(0, 120))"""
IMAGES_WITHOUT_ALT = """() => Array.from(document.querySelectorAll("img:not([alt])"))
    .map((image) => image.outerHTML.slice(0, 120))"""

FOCUS_DOCUMENT_START = """() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
}"""


@dataclass
class Pages:
    campaign_url: str
    template_id: int
    asset_url: str


@pytest.fixture
def asset_in_review(demo: None) -> Pages:
    """The demo campaign with one asset of two versions (a template render and an edit of it),
    version 2 submitted for review; made by the marketer through the services."""
    marketer = get_user_model().objects.get(username="demo-marketer")
    campaign = Campaign.objects.get(name="Cold brew spring launch")
    template = PosterTemplate.objects.get(brand=campaign.brand)
    with TestCase.captureOnCommitCallbacks(execute=True):
        [first] = generation_request(
            generation_input=GenerationInput(
                campaign_id=campaign.pk,
                poster_template_id=template.pk,
                slot_values={"product": "Cold brew No. 1", "mood": "Slow mornings"},
                provider="local",
                size="1K",
            ),
            user=marketer,
        )
    version_1 = AssetVersion.objects.get(generation=first)
    with TestCase.captureOnCommitCallbacks(execute=True):
        [edit] = generation_request(
            generation_input=GenerationInput(
                campaign_id=campaign.pk,
                mode=GenerationMode.EDIT,
                prompt="Warmer light",
                source_version_id=version_1.pk,
                provider="local",
                size="1024x1024",
            ),
            user=marketer,
        )
    version_2 = AssetVersion.objects.select_related("asset").get(generation=edit)
    approval_submit(asset=version_2.asset, version=version_2, user=marketer)
    return Pages(
        campaign_url=campaign.get_absolute_url(),
        template_id=template.pk,
        asset_url=version_2.asset.get_absolute_url(),
    )


def check_page(page: Page, path: str) -> None:
    """Open `path` and check its headings, labels, alt texts and skip link."""
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    assert page.locator("h1").count() == 1, f"{path} has {page.locator('h1').count()} h1"
    assert page.evaluate(UNLABELLED_FIELDS) == [], f"{path} has form fields without a label"
    assert page.evaluate(IMAGES_WITHOUT_ALT) == [], f"{path} has images without alt"

    # The skip link is the first stop of the keyboard and takes it into <main>.
    # Start from the top of the document, as a fresh load does (the login form autofocuses its
    # username field, and blur() alone keeps Chromium's focus starting point there).
    page.evaluate(FOCUS_DOCUMENT_START)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    # Following a fragment link is asynchronous in Chromium: wait for it rather than race it.
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    page.wait_for_function(
        "() => document.getElementById('main').contains(document.activeElement)", timeout=5000
    )


def test_main_pages_have_one_h1_labels_alt_text_and_a_working_skip_link(
    asset_in_review: Pages, page: Page
) -> None:
    pages = asset_in_review
    check_page(page, "/accounts/login/")

    log_in(page, "demo-marketer")
    for path in [
        "/",
        "/brands/northwind-coffee/",
        "/campaigns/",
        pages.campaign_url,
        f"{pages.campaign_url}?template={pages.template_id}",
        pages.asset_url,
        f"{pages.asset_url}compare/",
    ]:
        check_page(page, path)

    log_in(page, "demo-reviewer")
    for path in ["/reviews/", pages.asset_url]:
        check_page(page, path)
    page.goto(pages.asset_url)
    expect(page.get_by_role("button", name="Record decision")).to_be_visible()

    log_in(page, "demo-admin")
    check_page(page, "/brands/northwind-coffee/audit/")


def test_the_template_form_labels_its_slot_fields(asset_in_review: Pages, page: Page) -> None:
    log_in(page, "demo-marketer")
    page.goto(f"{asset_in_review.campaign_url}?template={asset_in_review.template_id}")
    expect(page.get_by_label("Product name")).to_be_visible()
    expect(page.get_by_label("Mood line")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Watermark")).to_be_checked()
