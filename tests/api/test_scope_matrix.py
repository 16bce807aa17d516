"""Every API endpoint, enumerated from the URL patterns, is scoped to the caller's brands and to
the token's scope. A new endpoint without a row here fails `test_every_endpoint_is_listed`."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, reverse

from api.urls import router
from brandkit.models import AuditEvent
from tests.api.conftest import World

# Endpoints without a path parameter: lists, creation. Checked by content, not by 404.
COLLECTIONS = {
    "brand-list",
    "reference-pack-list",
    "poster-template-list",
    "provider-list",
    "campaign-list",
    "generation-list",
    "asset-list",
    "audit-event-list",
    "model-list",
}
# The model table is the same for everyone and holds no brand's data.
UNSCOPED = {"model-detail"}


def _b_kwargs(world: World) -> dict[str, dict[str, Any]]:
    """For each object endpoint, the path parameters of one brand-B object."""
    b = world.b
    asset = world.b_version.asset
    audit = AuditEvent.objects.filter(brand=b.brand).order_by("pk").first()
    return {
        "brand-detail": {"slug": b.brand.slug},
        "reference-pack-detail": {"pk": b.pack.pk},
        "reference-pack-images": {"pk": b.pack.pk},
        "reference-pack-publish": {"pk": b.pack.pk},
        "poster-template-detail": {"pk": b.template.pk},
        "poster-template-publish": {"pk": b.template.pk},
        "poster-template-csv-template": {"pk": b.template.pk},
        "campaign-detail": {"pk": b.campaign.pk},
        "campaign-archive": {"pk": b.campaign.pk},
        "campaign-csv-batches": {"pk": b.campaign.pk},
        "campaign-export": {"pk": b.campaign.pk},
        "generation-detail": {"pk": world.b_generation.pk},
        "generation-cancel": {"pk": world.b_generation.pk},
        "generation-retry": {"pk": world.b_generation.pk},
        "batch-detail": {"pk": world.b_batch_id},
        "batch-cancel-remaining": {"pk": world.b_batch_id},
        "batch-retry-failed": {"pk": world.b_batch_id},
        "asset-detail": {"pk": asset.pk},
        "asset-submit": {"pk": asset.pk},
        "asset-decide": {"pk": asset.pk},
        "asset-reviews": {"pk": asset.pk},
        "asset-version-download": {"pk": asset.pk, "number": world.b_version.number},
        "asset-version-poster": {"pk": asset.pk, "number": world.b_version.number},
        "asset-export": {"pk": asset.pk},
        "audit-event-detail": {"pk": audit.pk},
    }


def _patterns() -> list[URLPattern]:
    return [pattern for pattern in router.urls if isinstance(pattern, URLPattern)]


def _methods(pattern: URLPattern) -> list[str]:
    # DRF answers HEAD like GET (and adds it to `actions` once called); GET covers it.
    return sorted(set(pattern.callback.actions) - {"head"})  # type: ignore[attr-defined]


def test_every_endpoint_is_listed(world: World) -> None:
    listed = set(_b_kwargs(world)) | COLLECTIONS | UNSCOPED
    assert {pattern.name for pattern in _patterns()} == listed


@pytest.mark.parametrize("who", ["a_admin", "a_marketer", "a_reviewer"])
def test_brand_a_token_gets_404_on_every_brand_b_object(world: World, who: str) -> None:
    client = world.client(who)
    checked = 0
    for name, kwargs in _b_kwargs(world).items():
        url = "/api/v1/" + reverse(f"api:{name}", kwargs=kwargs).split("/api/v1/", 1)[1]
        pattern = next(p for p in _patterns() if p.name == name)
        for method in _methods(pattern):
            body = {"version": world.b_version.number, "decision": "approve", "comment": "x"}
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code == 404, (name, method, response.content)
            assert response["Content-Type"] == "application/json", (
                name,
                method,
                response.content[:300],
            )
            assert response.json() == {"code": "not_found", "message": "Not found.", "field": None}
            checked += 1
    assert checked > len(_b_kwargs(world))  # detail routes answer GET and PATCH
    # B's owner sees the same objects: the 404s above are scoping, not broken endpoints.
    owner = world.client("b_marketer")
    assert owner.get(f"/api/v1/assets/{world.b_version.asset_id}/").status_code == 200


def test_collections_hold_only_the_callers_brands(world: World) -> None:
    client = world.client("a_admin")
    b_ids = {
        "brand-list": {world.b.brand.slug},
        "reference-pack-list": {world.b.pack.pk},
        "poster-template-list": {world.b.template.pk},
        "campaign-list": {world.b.campaign.pk},
        "generation-list": {world.b_generation.pk},
        "asset-list": {world.b_version.asset_id},
    }
    for name in COLLECTIONS - {"provider-list", "audit-event-list", "model-list"}:
        response = client.get(reverse(f"api:{name}"))
        assert response.status_code == 200, name
        key = "slug" if name == "brand-list" else "id"
        seen = {row[key] for row in response.json()["results"]}
        assert seen, name  # brand A has some of each
        assert not seen & b_ids[name], name
    events = client.get(reverse("api:audit-event-list")).json()["results"]
    assert events and {event["brand"] for event in events} == {"alpha"}
    # Creating under brand B is refused as if it did not exist.
    response = client.post(
        reverse("api:campaign-list"), {"brand": "bravo", "name": "Sneaky"}, format="json"
    )
    assert response.status_code == 404
    response = client.post(
        reverse("api:generation-list"),
        {"campaign": world.b.campaign.pk, "prompt": "a bottle"},
        format="json",
    )
    assert response.status_code == 404


def test_read_only_token_cannot_write_anywhere(world: World) -> None:
    client = world.client("a_marketer_read")
    writes = 0
    a_kwargs = {"pk": world.a.campaign.pk, "slug": world.a.brand.slug, "number": 1}
    for pattern in _patterns():
        for method in _methods(pattern):
            if method in ("get", "head", "options"):
                continue
            names = pattern.pattern.regex.groupindex
            url = reverse(f"api:{pattern.name}", kwargs={k: a_kwargs[k] for k in names})
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code == 403, (pattern.name, method)
            assert response.json()["code"] == "permission_denied"
            writes += 1
    assert writes >= 10
    assert client.get(reverse("api:campaign-list")).status_code == 200
