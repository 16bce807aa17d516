"""The operator's read-only admin pages for assets, versions and generations: scoped to the
admin's brands, never editable, and the same number of queries with 5 or 200 of everything."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from brandkit.choices import BrandStatus
from projects.models import Asset, AssetVersion, Generation
from tests.factories import brand_with_admin
from tests.projects.test_views_query_counts import LARGE, Board, board, grow, queries_of  # noqa: F401

pytestmark = pytest.mark.django_db

LISTS = ["projects_asset", "projects_assetversion", "projects_generation"]


@pytest.mark.parametrize("name", LISTS)
def test_the_brand_admin_sees_every_list_in_the_same_queries_at_any_size(
    board: Board,  # noqa: F811
    client: Any,
    name: str,
) -> None:
    client.force_login(board.admin)
    url = reverse(f"admin:{name}_changelist")
    queries_of(client, url)
    small = queries_of(client, url)
    grow(board, LARGE)
    large = queries_of(client, url)
    assert len(large) == len(small), "\n".join(large)
    page = client.get(url).content.decode()
    assert f'href="{reverse(f"admin:{name}_add")}"' not in page
    assert "Poster " in page or name == "projects_generation"


def test_history_cannot_be_changed_or_deleted_here(board: Board, client: Any) -> None:  # noqa: F811
    client.force_login(board.admin)
    version = AssetVersion.objects.filter(asset=board.big_asset).first()
    generation = Generation.objects.filter(campaign=board.campaign).first()
    for obj in (board.big_asset, version, generation):
        meta = obj._meta
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.post(change, {"title": "Renamed"}).status_code == 403
        delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    board.big_asset.refresh_from_db()
    assert board.big_asset.title == "Hero poster"


def test_another_brands_admin_sees_none_of_it(board: Board, client: Any) -> None:  # noqa: F811
    _, stranger = brand_with_admin(name="Other", slug="other", status=BrandStatus.PUBLISHED)
    client.force_login(stranger)
    for name in LISTS:
        page = client.get(reverse(f"admin:{name}_changelist"))
        assert page.status_code == 200
        assert "Hero poster" not in page.content.decode()
    change = reverse("admin:projects_asset_change", args=[board.big_asset.pk])
    assert client.get(change).status_code in (302, 403, 404)
    assert Asset.objects.filter(pk=board.big_asset.pk).exists()
