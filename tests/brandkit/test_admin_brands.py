"""The admin's brand page: the font inline fits a 1366 px screen (no 64-character cell)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from brandkit.services.brands import brand_font_set
from tests.brandkit.admin_support import admin_url
from tests.brandkit.hostile_samples import DEJAVU_SANS
from tests.factories import brand_with_admin

pytestmark = pytest.mark.django_db


def test_font_hashes_are_shortened_with_the_full_hash_in_the_tooltip(media_root: Any) -> None:
    brand, admin = brand_with_admin(name="Northwind", slug="northwind")
    font = brand_font_set(brand=brand, role="heading", data=DEJAVU_SANS.read_bytes())
    client = Client()
    client.force_login(admin)

    page = client.get(admin_url(brand)).content.decode()

    assert f'<code title="{font.sha256}">{font.sha256[:12]}…</code>' in page
    text = re.sub(r"<[^>]+>", " ", page)  # what is shown, attributes aside
    assert font.sha256 not in text
