"""The model table, CSV-driven batches, export ZIPs and poster downloads through the API, and
the export.ready webhook: the same services (and so the same answers) as the web pages."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from rest_framework.test import APIClient

from api.choices import TokenScope
from api.services.tokens import token_create
from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent
from brandkit.services.poster_templates import poster_template_create
from projects.model_table import model_rows
from projects.models import Generation, GenerationBatch, VersionPoster
from projects.providers.catalog import all_models
from projects.services.webhooks import webhook_endpoint_create
from tests.projects.conftest import studio  # noqa: F401
from tests.projects.poster_support import poster_template, poster_version
from tests.projects.review_support import decided, submitted
from tests.projects.webhook_support import Receiver, receiver  # noqa: F401

pytestmark = pytest.mark.usefixtures("inline_queue")


def client_for(user: Any, scope: str = TokenScope.WRITE) -> APIClient:
    _, secret = token_create(user=user, name="test", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def template(studio: Any) -> Any:  # noqa: F811
    return poster_template(studio.brand, studio.admin)


def upload(client: APIClient, studio: Any, template: Any, text: str, **headers: str) -> Any:  # noqa: F811
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            f"/api/v1/campaigns/{studio.campaign.pk}/csv-batches/",
            {
                "file": SimpleUploadedFile("batch.csv", text.encode(), content_type="text/csv"),
                "poster_template": template.pk,
            },
            format="multipart",
            headers=headers,
        )


def test_models_list_every_model_of_the_table_with_prices(db: None) -> None:
    client = APIClient()
    response = client.get("/api/v1/models/")
    assert response.status_code == 401  # a token is needed, as for every endpoint
    from tests.factories import brand_with_admin

    _, admin = brand_with_admin(name="Solo", slug="solo")
    client = client_for(admin, TokenScope.READ)
    body = client.get("/api/v1/models/").json()
    assert [row["id"] for row in body] == [model.id for model in all_models()]
    rows = {row.model.id: row for row in model_rows()}
    for row in body:
        expected = rows[row["id"]]
        assert row["prices"] == [{"size": s, "per_image": p} for s, p in expected.prices]
        assert row["max_references"] == expected.model.max_references
        assert row["size_presets"] == list(expected.model.size_presets)
    one = body[0]
    detail = client.get(f"/api/v1/models/{one['id']}/")
    assert detail.status_code == 200 and detail.json() == one
    aliased = next(model for model in all_models() if model.aliases)
    assert client.get(f"/api/v1/models/{aliased.aliases[0]}/").json()["id"] == aliased.id
    missing = client.get("/api/v1/models/no-such-model/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_model_prices_follow_the_settings_overrides(db: None, settings: Any) -> None:
    from tests.factories import brand_with_admin

    _, admin = brand_with_admin(name="Solo", slug="solo")
    model = all_models()[0]
    settings.BRANDKIT_MODEL_PRICES = {model.id: {"per_image": "0.5"}}
    body = client_for(admin).get(f"/api/v1/models/{model.id}/").json()
    assert {price["per_image"] for price in body["prices"]} <= {"0.5", "0.50", "0.500"}


def test_csv_template_download(studio: Any, template: Any) -> None:  # noqa: F811
    response = client_for(studio.marketer).get(
        f"/api/v1/poster-templates/{template.pk}/csv-template/"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["product", "headline", "variants", "size", "references"]


def test_csv_batch_queues_one_batch_and_replays_with_the_same_key(
    studio: Any,  # noqa: F811
    template: Any,
) -> None:
    client = client_for(studio.marketer)
    text = (
        "product,headline,variants,size\n"
        "cold brew,Summer sale,2,1280x720\n"
        "iced tea,Fresh,,1280x720\n"
    )
    response = upload(client, studio, template, text, **{"Idempotency-Key": "csv-1"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["generations"]) == 3
    assert GenerationBatch.objects.get().pk == body["batch"]
    assert {g["batch"] for g in body["generations"]} == {body["batch"]}
    again = upload(client, studio, template, text, **{"Idempotency-Key": "csv-1"})
    assert again.status_code == 201 and again.json() == body
    assert again["Idempotent-Replayed"] == "true"
    assert Generation.objects.count() == 3
    other = upload(
        client, studio, template, text + "tea,Hot,1,1280x720\n", **{"Idempotency-Key": "csv-1"}
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Generation.objects.count() == 3


def test_csv_batch_with_a_bad_row_lists_every_problem_and_queues_nothing(
    studio: Any,  # noqa: F811
    template: Any,
) -> None:
    client = client_for(studio.marketer)
    text = (
        "product,headline,variants\n"
        "cold brew,Summer sale,1\n"
        "cold brew," + "x" * 81 + ",1\n"
        "cold brew,Sale,many\n"
    )
    response = upload(client, studio, template, text, **{"Idempotency-Key": "csv-bad"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "csv_invalid" and body["field"] == "file"
    problems = {(p["row"], p["column"]) for p in body["errors"]}
    assert problems == {(3, "headline"), (4, "variants")}
    assert all(p["message"] for p in body["errors"])
    assert not Generation.objects.exists()
    # A refused upload stores nothing under its key: the fixed file can use the same key.
    fixed = upload(
        client,
        studio,
        template,
        "product,headline\ncold brew,Sale\n",
        **{"Idempotency-Key": "csv-bad"},
    )
    assert fixed.status_code == 201, fixed.content
    header = upload(client, studio, template, "product,subtitle\ncold brew,x\n")
    assert header.status_code == 422
    assert {p["row"] for p in header.json()["errors"]} == {1}


def test_csv_batch_refusals(studio: Any, template: Any) -> None:  # noqa: F811
    text = "product,headline\ncold brew,Sale\n"
    response = upload(client_for(studio.reviewer), studio, template, text)
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    read_only = upload(client_for(studio.marketer, TokenScope.READ), studio, template, text)
    assert read_only.status_code == 403
    draft = poster_template_create(
        brand=studio.brand, name="Draft", prompt_template="A photo of {product}"
    )
    response = upload(client_for(studio.marketer), studio, draft, text)
    assert response.status_code == 400 and response.json()["field"] == "poster_template"
    assert not Generation.objects.exists()


def test_export_zip_and_poster_download_and_export_ready_webhook(
    studio: Any,  # noqa: F811
    template: Any,
    receiver: Receiver,  # noqa: F811
) -> None:
    webhook_endpoint_create(
        brand=studio.brand, user=studio.admin, url=receiver.url, events=["export.ready"]
    )
    version = poster_version(studio, template)
    client = client_for(studio.marketer)
    response = client.get(f"/api/v1/assets/{version.asset_id}/export/")
    assert response.status_code == 404 and response.json()["code"] == "not_approved"
    poster = client.get(f"/api/v1/assets/{version.asset_id}/versions/{version.number}/poster/")
    assert poster.status_code == 200
    stored = VersionPoster.objects.get(version=version)
    assert b"".join(poster.streaming_content) == stored.image.read()
    submitted(version, user=studio.marketer)
    decided(version, user=studio.reviewer)
    assert receiver.requests == []
    for url in (
        f"/api/v1/assets/{version.asset_id}/export/?format=jpeg",
        f"/api/v1/campaigns/{studio.campaign.pk}/export/?format=jpeg",
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"] == "application/zip"
            archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        names = archive.namelist()
        assert "manifest.json" in names and any(name.endswith(".jpg") for name in names)
    bad = client.get(f"/api/v1/assets/{version.asset_id}/export/?format=gif")
    assert bad.status_code == 400 and bad.json()["field"] == "format"
    events = AuditEvent.objects.filter(verb=AuditVerb.EXPORTED).order_by("pk")
    assert [event.object_type for event in events] == ["asset", "campaign"]
    bodies = [json.loads(request["body"]) for request in receiver.requests]
    assert [body["type"] for body in bodies] == ["export.ready", "export.ready"]
    assert bodies[1]["data"]["object"]["api_url"] == f"/api/v1/campaigns/{studio.campaign.pk}/"
    assert bodies[0]["data"]["details"]["format"] == "jpeg"
    assert bodies[0]["data"]["details"]["versions"] == [version.pk]


def test_poster_missing_is_a_404_with_its_code(studio: Any) -> None:  # noqa: F811
    from tests.projects.review_support import first_version

    version = first_version(studio)
    response = client_for(studio.marketer).get(
        f"/api/v1/assets/{version.asset_id}/versions/{version.number}/poster/"
    )
    assert response.status_code == 404 and response.json()["code"] == "no_poster"
