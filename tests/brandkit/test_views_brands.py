"""Brand and poster template pages: previews of templates, and what only admins are offered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from brandkit.choices import LogoVariant, MembershipRole
from brandkit.services.brands import brand_font_set, brand_logo_set
from brandkit.services.poster_templates import poster_template_new_version, poster_template_set_slot
from tests.brandkit.hostile_samples import DEJAVU_SANS_BOLD, png
from tests.factories import brand_with_admin, draft_pack, member, published_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand_and_admin(media_root: Path) -> tuple[Any, Any]:
    brand, admin = brand_with_admin(name="Northwind Coffee", slug="northwind")
    brand_font_set(brand=brand, role="heading", data=DEJAVU_SANS_BOLD.read_bytes())
    brand_logo_set(brand=brand, variant=LogoVariant.PRIMARY, data=png((80, 80), "RGBA").data)
    return brand, admin


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def preview_urls(html: str) -> list[str]:
    return re.findall(r'src="(/media/previews/[^"]+\.png)"', html)


def test_template_page_shows_a_preview_that_is_served(brand_and_admin: tuple[Any, Any]) -> None:
    brand, admin = brand_and_admin
    template = published_template(brand, admin)
    client = client_for(admin)

    [url] = preview_urls(client.get(template.get_absolute_url()).content.decode())
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_a_changed_template_gets_a_new_preview(brand_and_admin: tuple[Any, Any]) -> None:
    brand, admin = brand_and_admin
    template = published_template(brand, admin)
    client = client_for(admin)
    [first] = preview_urls(client.get(template.get_absolute_url()).content.decode())

    draft = poster_template_new_version(template=template)
    [same] = preview_urls(client.get(draft.get_absolute_url()).content.decode())
    poster_template_set_slot(template=draft, key="product", box_y=600)
    [moved] = preview_urls(client.get(draft.get_absolute_url()).content.decode())

    assert same == first  # same layout, same brand: the same stored preview
    assert moved != first


def test_brand_page_lists_templates_with_small_previews(
    brand_and_admin: tuple[Any, Any], django_assert_max_num_queries: Any
) -> None:
    brand, admin = brand_and_admin
    published_template(brand, admin)
    published_template(brand, admin, name="Sale poster")
    draft_pack(brand, images=2)
    client = client_for(admin)
    client.get(brand.get_absolute_url())  # thumbnails and previews are made once

    with django_assert_max_num_queries(12):
        html = client.get(brand.get_absolute_url()).content.decode()

    assert len(preview_urls(html)) == 2
    assert all(url.endswith("-192.png") for url in preview_urls(html))


def test_only_admins_are_offered_the_new_pack_form(brand_and_admin: tuple[Any, Any]) -> None:
    brand, admin = brand_and_admin
    marketer = member(brand, MembershipRole.MARKETER, username="marketer")

    assert "New reference pack" in client_for(admin).get(brand.get_absolute_url()).content.decode()
    assert "New reference pack" not in (
        client_for(marketer).get(brand.get_absolute_url()).content.decode()
    )
