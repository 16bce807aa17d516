"""Brand admins build reference packs and poster templates through the API, with the web app's
validation and checks."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from brandkit.models import PosterTemplate, ReferencePack
from tests.api.conftest import World
from tests.factories import image_bytes


def _png(index: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"ref-{index}.png", image_bytes(index), content_type="image/png")


def test_admin_creates_uploads_and_publishes_a_pack(world: World) -> None:
    client = world.client("a_admin")
    response = client.post(
        "/api/v1/reference-packs/",
        {"brand": "alpha", "name": "Bottles", "purpose": "product"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pack_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    for index in range(2):
        response = client.post(
            f"/api/v1/reference-packs/{pack_id}/images/",
            {"file": _png(index), "caption": f"shot {index}"},
            format="multipart",
        )
        assert response.status_code == 201, response.content
    assert [image["caption"] for image in response.json()["images"]] == ["shot 0", "shot 1"]
    # The web app's refusals: a duplicate, and a file that is not an image.
    duplicate = client.post(
        f"/api/v1/reference-packs/{pack_id}/images/", {"file": _png(0)}, format="multipart"
    )
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "pack_full"
    junk = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    refused = client.post(
        f"/api/v1/reference-packs/{pack_id}/images/", {"file": junk}, format="multipart"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "image_rejected"
    published = client.post(f"/api/v1/reference-packs/{pack_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    late = client.post(
        f"/api/v1/reference-packs/{pack_id}/images/", {"file": _png(5)}, format="multipart"
    )
    assert late.status_code == 409 and late.json()["code"] == "immutable_version"
    assert ReferencePack.objects.get(pk=pack_id).images.count() == 2


def test_marketers_cannot_change_packs(world: World) -> None:
    client = world.client("a_marketer")
    response = client.post(
        "/api/v1/reference-packs/",
        {"brand": "alpha", "name": "Mine", "purpose": "style"},
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    response = client.post(
        f"/api/v1/reference-packs/{world.a.pack.pk}/images/", {"file": _png(9)}, format="multipart"
    )
    assert response.status_code == 403


def test_admin_creates_and_publishes_a_poster_template(world: World) -> None:
    client = world.client("a_admin")
    body = {
        "brand": "alpha",
        "name": "Sale banner",
        "prompt_template": "A sale banner for {product}",
        "canvas_width": 1000,
        "canvas_height": 1000,
        "slots": [
            {
                "key": "product",
                "label": "Product",
                "box_x": 50,
                "box_y": 50,
                "box_width": 900,
                "box_height": 200,
            },
        ],
    }
    response = client.post("/api/v1/poster-templates/", body, format="json")
    assert response.status_code == 201, response.content
    template = response.json()
    assert template["status"] == "draft" and template["text_slots"][0]["key"] == "product"
    published = client.post(f"/api/v1/poster-templates/{template['id']}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    # A slot outside the canvas makes a draft, but the publish check refuses it, as on the web.
    body["name"] = "Broken"
    body["slots"][0]["box_x"] = 5000
    draft = client.post("/api/v1/poster-templates/", body, format="json")
    assert draft.status_code == 201
    refused = client.post(f"/api/v1/poster-templates/{draft.json()['id']}/publish/")
    assert refused.status_code == 400 and refused.json()["code"] == "refused"
    assert "reaches outside the 1000x1000 canvas" in refused.json()["message"]
    # A prompt with broken braces is refused at creation, with no template left behind.
    body.update(name="Braces", prompt_template="A {product", slots=[])
    denied = world.client("a_marketer").post(
        "/api/v1/poster-templates/",
        {**body, "name": "Mine", "prompt_template": "A {x}"},
        format="json",
    )
    response = client.post("/api/v1/poster-templates/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "refused"
    assert not PosterTemplate.objects.filter(name="Braces").exists()
    assert denied.status_code == 403 and denied.json()["code"] == "not_allowed"
