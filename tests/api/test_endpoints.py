"""The API does what the web app does, through the same services, with one error body."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from brandkit.models import AuditEvent
from projects.choices import GenerationStatus, ReviewStatus
from projects.models import Campaign, Generation
from tests.api.conftest import World
from tests.projects.review_support import LOCAL_SIZE


def test_campaign_create_update_archive(world: World) -> None:
    client = world.client("a_marketer")
    response = client.post(
        "/api/v1/campaigns/",
        {"brand": "alpha", "name": "Autumn", "budget": "12.50", "channels": ["web", "print"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["brand"] == "alpha" and body["owner"] == world.a.marketer.username
    campaign_id = body["id"]
    response = client.patch(
        f"/api/v1/campaigns/{campaign_id}/",
        {"brief": "Warm tones", "status": "active"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["brief"] == "Warm tones"
    # The same name twice in a brand is refused with the field named.
    response = client.post(
        "/api/v1/campaigns/", {"brand": "alpha", "name": "Autumn"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    response = client.patch(f"/api/v1/campaigns/{campaign_id}/", {"budget": "-1"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "budget"
    assert client.post(f"/api/v1/campaigns/{campaign_id}/archive/").json()["status"] == "archived"
    response = client.patch(f"/api/v1/campaigns/{campaign_id}/", {"brief": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    response = client.post(
        "/api/v1/generations/", {"campaign": campaign_id, "prompt": "a bottle"}, format="json"
    )
    assert response.status_code == 422 and response.json()["code"] == "generation_refused"
    assert Campaign.objects.get(pk=campaign_id).brief == "Warm tones"


def test_reviewer_cannot_create_a_campaign(world: World) -> None:
    response = world.client("a_reviewer").post(
        "/api/v1/campaigns/", {"brand": "alpha", "name": "Nope"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_generation_create_status_cancel_and_refusals(world: World, settings: Any) -> None:
    client = world.client("a_marketer")
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(
            "/api/v1/generations/",
            {
                "campaign": world.a.campaign.pk,
                "prompt": "a bottle",
                "variants": 3,
                "size": LOCAL_SIZE,
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["batch"] and len(body["generations"]) == 3
    first = body["generations"][0]
    assert first["status"] == "queued" and first["progress"] == 5
    status = client.get(f"/api/v1/generations/{first['id']}/").json()
    assert status["status"] == "queued"
    batch = client.get(f"/api/v1/batches/{body['batch']}/").json()
    assert batch["counts"]["total"] == 3 and batch["counts"]["queued"] == 3
    canceled = client.post(f"/api/v1/generations/{first['id']}/cancel/")
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    again = client.post(f"/api/v1/generations/{first['id']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert client.post(f"/api/v1/batches/{body['batch']}/cancel/").json() == {"count": 2}
    listed = client.get(f"/api/v1/generations/?batch={body['batch']}&status=canceled").json()
    assert len(listed["results"]) == 3
    # The brand's rules refuse, naming the field.
    world.a.brand.forbidden_terms = "whisky"
    world.a.brand.save()
    response = client.post(
        "/api/v1/generations/",
        {"campaign": world.a.campaign.pk, "prompt": "a whisky glass"},
        format="json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "generation_refused",
        "message": "Alpha does not allow these terms: whisky.",
        "field": "prompt",
    }
    response = client.post(
        "/api/v1/generations/",
        {"campaign": world.a.campaign.pk, "prompt": "a bottle", "variants": 500},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "variants"
    settings.PROVIDER_PRICE_PER_IMAGE = {**settings.PROVIDER_PRICE_PER_IMAGE, "local": "1.00"}
    response = client.post(
        "/api/v1/generations/",
        {"campaign": world.a.campaign.pk, "prompt": "a bottle", "variants": 20},
        format="json",
    )
    assert response.status_code == 422 and response.json()["code"] == "budget_exceeded"
    assert client.get("/api/v1/generations/?status=bogus").json()["field"] == "status"


def test_retry_a_failed_generation(world: World) -> None:
    generation = Generation.objects.get(pk=world.a_version.generation_id)
    client = world.client("a_marketer")
    response = client.post(f"/api/v1/generations/{generation.pk}/retry/")
    assert response.status_code == 409  # succeeded work is not retried
    Generation.objects.filter(pk=generation.pk).update(status=GenerationStatus.FAILED)
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(f"/api/v1/generations/{generation.pk}/retry/")
    assert response.status_code == 200 and response.json()["status"] == "queued"


def test_submit_decide_and_the_web_apps_refusals(world: World) -> None:
    asset = world.a_version.asset
    marketer, reviewer = world.client("a_marketer"), world.client("a_reviewer")
    response = marketer.post(f"/api/v1/assets/{asset.pk}/submit/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.json()["review_status"] == "in_review"
    # The marketer made it, so cannot decide on it.
    response = marketer.post(
        f"/api/v1/assets/{asset.pk}/decide/", {"version": 1, "decision": "approve"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    response = reviewer.post(
        f"/api/v1/assets/{asset.pk}/decide/", {"version": 1, "decision": "reject"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "comment"
    response = reviewer.post(
        f"/api/v1/assets/{asset.pk}/decide/", {"version": 9, "decision": "approve"}, format="json"
    )
    assert response.status_code == 404
    response = reviewer.post(
        f"/api/v1/assets/{asset.pk}/decide/", {"version": 1, "decision": "approve"}, format="json"
    )
    assert response.status_code == 200 and response.json()["decision"] == "approve"
    detail = reviewer.get(f"/api/v1/assets/{asset.pk}/").json()
    assert detail["review_status"] == ReviewStatus.APPROVED
    assert detail["approved_version"] == world.a_version.pk
    reviews = reviewer.get(f"/api/v1/assets/{asset.pk}/reviews/").json()
    assert [review["decision"] for review in reviews] == ["approve"]
    download = reviewer.get(detail["versions"][0]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == world.a_version.image.open("rb").read()


def test_audit_events_are_for_brand_admins(world: World) -> None:
    events = world.client("a_admin").get("/api/v1/audit-events/?brand=alpha").json()
    assert events["results"]
    assert {event["brand"] for event in events["results"]} == {"alpha"}
    assert AuditEvent.objects.filter(brand=world.a.brand).count() >= len(events["results"])
    assert world.client("a_marketer").get("/api/v1/audit-events/").json()["results"] == []


def test_lists_page_with_a_cursor(world: World) -> None:
    client = world.client("a_marketer")
    for index in range(3):
        client.post("/api/v1/campaigns/", {"brand": "alpha", "name": f"C{index}"}, format="json")
    first = client.get("/api/v1/campaigns/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    names = [row["name"] for row in first["results"] + second["results"]]
    assert len(names) == len(set(names)) == 4
