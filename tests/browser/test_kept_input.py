"""The campaign form keeps what was typed: across a template pick, and after queueing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
CAMPAIGN = "Cold brew spring launch"


def test_the_prompt_survives_a_template_pick_and_a_queue(demo: None, page: Page) -> None:
    log_in(page, "demo-marketer")
    page.goto("/campaigns/")
    page.get_by_role("link", name=CAMPAIGN).click()
    page.get_by_label("Prompt").fill("on a marble counter, morning light")
    page.get_by_label("Variants").fill("2")

    page.get_by_label("Poster template").select_option(label="Launch poster v1")

    expect(page).to_have_url(re.compile(r"[?&]template=\d+"))
    expect(page.get_by_label("Product name")).to_be_visible()
    expect(page.get_by_label("Prompt")).to_have_value("on a marble counter, morning light")
    expect(page.get_by_label("Variants")).to_have_value("2")

    page.get_by_label("Product name").fill("Cold brew No. 1")
    page.get_by_label("Mood line").fill("Slow mornings")
    page.get_by_label("Provider").select_option("local")
    page.get_by_label("Size:", exact=True).select_option("1K")
    page.get_by_role("button", name="Queue generation").click()

    expect(page.get_by_role("status")).to_contain_text("Queued 2 generations.")
    expect(page.get_by_label("Prompt")).to_have_value("on a marble counter, morning light")
    expect(page.get_by_label("Product name")).to_have_value("Cold brew No. 1")
    expect(page.get_by_label("Size:", exact=True)).to_have_value("1K")
