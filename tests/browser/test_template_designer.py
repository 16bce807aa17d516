"""The poster template designer in a real browser: open a published template, edit it as a new
version, watch the live preview follow the form (and refuse text that cannot fit, naming the
slot), save and publish; the CSV batch page too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from brandkit.models import PosterTemplate
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import check_page

pytestmark = pytest.mark.browser


def preview_state(page: Page, state: str) -> None:
    page.wait_for_function(
        "s => document.getElementById('designer-preview').dataset.state === s", arg=state
    )


def test_design_preview_save_and_publish_a_new_version(demo: None, page: Page) -> None:
    template = PosterTemplate.objects.get(name="Launch poster", version=1)
    log_in(page, "demo-admin")
    page.goto(template.get_absolute_url())
    page.get_by_role("link", name="Open in the designer").click()
    expect(page.locator(".notice")).to_contain_text("frozen")
    page.get_by_role("button", name="Edit as a new version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v2")
    check_page(page, page.url)

    preview_state(page, "ok")
    first_src = page.locator("#designer-preview").get_attribute("src")
    assert page.evaluate("document.getElementById('designer-preview').naturalWidth") > 0

    # Text that cannot fit is refused with the slot named, live.
    page.locator("#id_slot-0-sample").fill("W" * 60)
    preview_state(page, "error")
    expect(page.locator("#preview-status")).to_contain_text("Product name")

    page.locator("#id_slot-0-sample").fill("Cold brew")
    page.get_by_label("Canvas width").fill("2560")
    page.get_by_label("Canvas height").fill("1440")
    preview_state(page, "ok")
    page.wait_for_function(
        "() => { const i = document.getElementById('designer-preview');"
        " return i.naturalWidth > i.naturalHeight; }"
    )
    assert page.locator("#designer-preview").get_attribute("src") != first_src
    screenshot(page, "20-template-designer")

    # Move the slots into the landscape canvas, add a preset, save, publish.
    page.locator("#id_slot-0-box_y").fill("1000")
    page.locator("#id_slot-1-box_y").fill("1240")
    page.get_by_label("Export presets").fill("Link, 1200, 628\nSquare, 1080, 1080")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved Launch poster v2")).to_be_visible()
    page.get_by_role("button", name="Publish v2").click()
    expect(page.get_by_text("it is frozen now")).to_be_visible()
    published = PosterTemplate.objects.get(name="Launch poster", version=2)
    assert published.status == "published"
    assert (published.canvas_width, published.canvas_height) == (2560, 1440)
    assert published.export_sizes[0] == {"name": "Link", "width": 1200, "height": 628}


def test_csv_batch_page_offers_template_csvs(demo: None, page: Page) -> None:
    from projects.models import Campaign

    campaign = Campaign.objects.get()
    log_in(page, "demo-marketer")
    page.goto(campaign.get_absolute_url())
    page.get_by_role("link", name="Batch from a CSV").click()
    check_page(page, page.url)
    expect(page.get_by_role("link", name="Launch poster v1")).to_be_visible()
