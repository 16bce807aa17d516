"""The asset page shows a new version by itself, without a reload by the user."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from projects.choices import GenerationMode
from projects.models import AssetVersion, Campaign
from projects.services.generation_requests import GenerationInput, generation_request
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
SIZE = "1280x720"


def test_a_new_version_appears_on_the_open_asset_page(demo: None, page: Page) -> None:
    marketer = get_user_model().objects.get(username="demo-marketer")
    campaign = Campaign.objects.get(name="Cold brew spring launch")
    [generation] = generation_request(
        generation_input=GenerationInput(
            campaign_id=campaign.pk, prompt="a bottle", provider="local", size=SIZE
        ),
        user=marketer,
    )
    first = AssetVersion.objects.get(generation=generation)

    log_in(page, "demo-marketer")
    page.goto(first.asset.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.asset.title[:20])
    assert "v=2" not in page.url

    # Work finishing in the background (a worker, here the test) while the page stays open.
    generation_request(
        generation_input=GenerationInput(
            campaign_id=campaign.pk,
            prompt="the same bottle, bluer",
            provider="local",
            size=SIZE,
            mode=GenerationMode.EDIT,
            source_version_id=first.pk,
        ),
        user=marketer,
    )

    expect(page).to_have_url(re.compile(r"[?&]v=2"), timeout=15_000)
    expect(page.get_by_text("2 versions")).to_be_visible()
