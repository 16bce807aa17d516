"""API lists cost a fixed number of queries whatever their length (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import World

LISTS = [
    "/api/v1/generations/",
    "/api/v1/assets/",
    "/api/v1/campaigns/",
    "/api/v1/reference-packs/",
    "/api/v1/poster-templates/",
    "/api/v1/audit-events/",
]


def _counts(world: World) -> dict[str, int]:
    client = world.client("a_admin")
    client.get("/api/v1/brands/")  # stamps the token's last use (once a minute), not counted
    counts = {}
    for url in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_list_queries_do_not_grow_with_rows(world: World) -> None:
    before = _counts(world)
    client = world.client("a_marketer")
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(
            "/api/v1/generations/",
            {"campaign": world.a.campaign.pk, "prompt": "a bottle", "variants": 6},
            format="json",
        )
    assert response.status_code == 201
    for index in range(3):
        client.post("/api/v1/campaigns/", {"brand": "alpha", "name": f"Q{index}"}, format="json")
    assert _counts(world) == before
