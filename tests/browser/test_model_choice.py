"""The campaign form offers only what the chosen model supports (static/js/campaign.js reading
the model options' data attributes): 5.5 hides group size and 4K, 4.5 hides 1K."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

CAMPAIGN = "Cold brew spring launch"


def size_option(page: Page, value: str) -> object:
    return page.locator(f'#id_size option[value="{value}"]')


def test_choosing_a_model_shows_only_what_it_supports(demo: None, page: Page) -> None:
    log_in(page, "demo-marketer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name=CAMPAIGN).click()
    mode = page.locator("#id_mode")
    model = page.locator("#id_model")
    group_size = page.locator("#id_group_size")

    # Seedream 4.0 (the demo brand's default) makes groups and has 1K and 4K.
    mode.select_option("group")
    expect(group_size).to_be_visible()
    expect(size_option(page, "4K")).to_be_enabled()

    model.select_option("seedream-5-5-261028")
    expect(group_size).to_be_hidden()
    expect(mode).to_have_value("text_to_image")  # a group is not possible any more
    expect(page.locator('#id_mode option[value="group"]')).to_be_disabled()
    expect(size_option(page, "4K")).to_be_disabled()
    expect(size_option(page, "3K")).to_be_disabled()
    expect(size_option(page, "1.5K")).to_be_enabled()
    expect(page.locator('#id_background option[value="transparent"]')).to_be_enabled()
    expect(page.locator("#id_background")).to_be_visible()
    screenshot(page, "model-5-5")

    model.select_option("seedream-4-5-251128")
    expect(size_option(page, "1K")).to_be_disabled()
    expect(size_option(page, "4K")).to_be_enabled()
    expect(page.locator("#id_background")).to_be_hidden()  # 4.5 has no background option
    mode.select_option("group")
    expect(group_size).to_be_visible()
    screenshot(page, "model-4-5")


def test_the_prompt_counter_follows_the_model_s_limit(demo: None, page: Page) -> None:
    log_in(page, "demo-marketer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name=CAMPAIGN).click()
    prompt = page.locator("#id_prompt")
    counter = page.locator("#prompt-count")
    prompt.fill("a cold brew bottle")
    expect(counter).to_have_text(re.compile(r"^18 / [\d,.\s]+ characters$"))
    limit = int(prompt.get_attribute("maxlength") or 0)
    assert limit > 18
    # Typing stops at the limit: a 20,000-character paste is cut to what the model takes.
    prompt.fill("x" * 20_000)
    assert len(prompt.input_value()) <= limit
