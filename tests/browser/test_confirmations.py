"""Actions that cannot be undone ask first, in the browser, and cancelling changes nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from brandkit.choices import VersionStatus
from brandkit.models import ReferencePack
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_publishing_a_pack_asks_first_and_cancel_keeps_the_draft(demo: None, page: Page) -> None:
    log_in(page, "demo-admin")
    pack = ReferencePack.objects.filter(status=VersionStatus.PUBLISHED).first()
    page.goto(pack.get_absolute_url())
    page.get_by_role("button", name=re.compile(r"Edit as version 2")).click()
    expect(page.get_by_role("button", name="Publish v2")).to_be_visible()

    page.get_by_role("button", name="Publish v2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v2?")
    expect(page.get_by_text("Publishing cannot be undone")).to_be_visible()
    page.get_by_role("link", name=re.compile("Cancel")).click()
    expect(page.get_by_role("button", name="Publish v2")).to_be_visible()
    draft = ReferencePack.objects.get(name=pack.name, version=2)
    assert draft.status == VersionStatus.DRAFT

    page.get_by_role("button", name="Publish v2").click()
    page.get_by_role("button", name="Publish v2").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
