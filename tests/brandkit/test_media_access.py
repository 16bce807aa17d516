"""Media is served only to members of a brand that uses the file; every stored file is covered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from brandkit.choices import LogoVariant, MembershipRole
from brandkit.media_access import MEDIA_OWNERS
from brandkit.services.brands import brand_font_set, brand_logo_set
from brandkit.thumbnails import thumbnail_url
from tests.brandkit.hostile_samples import DEJAVU_SANS
from tests.factories import UserFactory, brand_with_admin, draft_pack, image_bytes, member
from tests.projects.conftest import studio  # noqa: F401
from tests.projects.review_support import first_version, inline_queue  # noqa: F401

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_file_field_of_every_model_is_in_the_registry() -> None:
    listed = {(owner.model.lower(), field) for owner in MEDIA_OWNERS for field in owner.file_fields}
    stored = {
        (model._meta.label_lower, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert stored - listed == set(), "add these FileFields to brandkit.media_access.MEDIA_OWNERS"
    assert listed - stored == set(), "MEDIA_OWNERS names fields that no longer exist"


def test_registry_sha256_columns_and_brand_paths_resolve() -> None:
    for owner in MEDIA_OWNERS:
        model = apps.get_model(owner.model)
        model._meta.get_field(owner.sha256_field)
        # Raises FieldError when the path to the brand is wrong.
        list(model.objects.filter(**{f"{owner.brand_path}__slug": "x"}).values("pk"))


@pytest.fixture
def two_brands(media_root: Any) -> dict[str, Any]:
    north, _ = brand_with_admin(name="Northwind", slug="northwind")
    south, _ = brand_with_admin(name="Southwind", slug="southwind")
    reference = draft_pack(north, images=1).images.get()
    return {
        "north": north,
        "south": south,
        "reference": reference,
        "font": brand_font_set(brand=north, role="heading", data=DEJAVU_SANS.read_bytes()),
        "logo": brand_logo_set(brand=north, variant=LogoVariant.PRIMARY, data=image_bytes(7)),
        "insider": member(north, MembershipRole.VIEWER, username="north-viewer"),
        "outsider": member(south, MembershipRole.ADMIN, username="south-admin"),
    }


def brand_file_urls(files: dict[str, Any]) -> list[str]:
    reference = files["reference"]
    return [
        reference.file.url,
        thumbnail_url(source_name=reference.file.name, sha256=reference.sha256, max_side=128),
        files["font"].file.url,
        files["logo"].file.url,
    ]


def test_members_read_their_brands_files(two_brands: dict[str, Any]) -> None:
    client = client_for(two_brands["insider"])
    for url in brand_file_urls(two_brands):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["outsider", "no brand"])
def test_other_brands_and_brandless_users_get_404_for_every_kind_of_file(
    two_brands: dict[str, Any], who: str
) -> None:
    user = two_brands["outsider"] if who == "outsider" else UserFactory(username="nobody")
    client = client_for(user)
    for url in brand_file_urls(two_brands):
        assert client.get(url).status_code == 404, url


def test_a_file_shared_by_two_brands_is_readable_by_both(two_brands: dict[str, Any]) -> None:
    south_copy = draft_pack(two_brands["south"], images=1).images.get()  # same bytes as north's
    assert south_copy.sha256 == two_brands["reference"].sha256

    assert client_for(two_brands["outsider"]).get(south_copy.file.url).status_code == 200
    assert client_for(two_brands["insider"]).get(south_copy.file.url).status_code == 200


def test_superusers_read_every_file(two_brands: dict[str, Any]) -> None:
    client = client_for(UserFactory(username="root", is_superuser=True, is_staff=True))
    for url in brand_file_urls(two_brands):
        assert client.get(url).status_code == 200, url


@pytest.mark.usefixtures("inline_queue")
def test_outputs_and_their_thumbnails_are_scoped_to_the_campaigns_brand(studio: Any) -> None:  # noqa: F811
    version = first_version(studio)
    _brand, outsider = brand_with_admin(name="Other", slug="other")
    urls = [version.image.url, version.thumbnail.url]

    for url in urls:
        assert client_for(studio.reviewer).get(url).status_code == 200, url
        assert client_for(outsider).get(url).status_code == 404, url


def test_template_previews_are_scoped_to_the_templates_brand(studio: Any) -> None:  # noqa: F811
    page = client_for(studio.admin).get(studio.template.get_absolute_url()).content.decode()
    [url] = re.findall(r'src="(/media/previews/[^"]+\.png)"', page)
    _brand, outsider = brand_with_admin(name="Other", slug="other")

    assert client_for(studio.reviewer).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
