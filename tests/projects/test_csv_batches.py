"""CSV batches: good rows become one tracked batch; any bad row or header queues nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Generation, GenerationBatch
from projects.services.csv_batches import csv_batch_check, csv_batch_queue
from tests.projects.poster_support import poster_template


@pytest.fixture
def template(studio: Any) -> Any:
    studio.brand.forbidden_terms = "energy drink"
    studio.brand.save()
    return poster_template(studio.brand, studio.admin)


def check(studio: Any, template: Any, text: str) -> Any:
    return csv_batch_check(
        campaign=studio.campaign, template=template, data=text.encode(), user=studio.marketer
    )


def test_good_rows_are_queued_as_one_batch(studio: Any, template: Any) -> None:
    plan = check(
        studio,
        template,
        "product,headline,variants\ncold brew,Summer sale,2\niced tea,Fresh every day,\n",
    )
    assert plan.ok, (plan.errors, [row.errors for row in plan.rows])
    generations = csv_batch_queue(plan=plan, user=studio.marketer)
    assert len(generations) == 3
    batch = GenerationBatch.objects.get()
    assert {g.batch_id for g in generations} == {batch.pk}
    assert sorted(g.slot_values["headline"] for g in generations) == [
        "Fresh every day",
        "Summer sale",
        "Summer sale",
    ]


def test_bad_values_are_reported_per_row_and_nothing_is_queued(studio: Any, template: Any) -> None:
    text = (
        "product,headline,variants,size\n"
        "cold brew,Summer sale,1,\n"  # fine
        "cold brew," + "x" * 81 + ",1,\n"  # too long
        "energy drink,Buy now,1,\n"  # forbidden term
        "cold brew," + "W" * 70 + ",1,\n"  # a word too wide for the box
        "cold brew,Sale,many,\n"  # not a number
        "cold brew,Sale,1,9x9\n"  # a size the provider refuses
        ",Sale,1,\n"  # the prompt slot is empty
    )
    plan = check(studio, template, text)
    assert not plan.ok
    errors = {row.line: row.errors for row in plan.rows}
    assert errors[2] == []
    assert "80" in errors[3][0] and "Headline" in errors[3][0]
    assert "energy drink" in errors[4][0]
    assert "Headline" in errors[5][0] and "fit" in errors[5][0]
    assert "whole number" in errors[6][0]
    assert errors[7]
    assert "Product" in errors[8][0]
    with pytest.raises(ValueError):
        csv_batch_queue(plan=plan, user=studio.marketer)
    assert not Generation.objects.exists()


def test_unknown_and_missing_columns_are_refused(studio: Any, template: Any) -> None:
    plan = check(studio, template, "product,subtitle\ncold brew,x\n")
    assert not plan.ok
    assert any("subtitle" in error for error in plan.errors)
    assert any("headline" in error and "Missing" in error for error in plan.errors)
    assert not check(studio, template, "").ok
    assert not csv_batch_check(
        campaign=studio.campaign, template=template, data=b"\xff\xfe", user=studio.marketer
    ).ok


def test_template_csv_download_and_upload_page(client: Any, studio: Any, template: Any) -> None:
    client.force_login(studio.marketer)
    response = client.get(f"/campaigns/{studio.campaign.pk}/csv-batch/template-{template.pk}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["product", "headline", "variants", "size", "references"]

    bad = SimpleUploadedFile("rows.csv", b"product,headline\ncold brew," + b"x" * 90 + b"\n")
    page = client.post(
        f"/campaigns/{studio.campaign.pk}/csv-batch/", {"template": template.pk, "file": bad}
    )
    assert page.status_code == 400
    assert "nothing was queued" in page.content.decode()
    good = SimpleUploadedFile("rows.csv", b"product,headline\ncold brew,Summer sale\n")
    done = client.post(
        f"/campaigns/{studio.campaign.pk}/csv-batch/", {"template": template.pk, "file": good}
    )
    assert done.status_code == 302
    assert Generation.objects.count() == 1


def test_csv_pages_are_scoped_and_need_a_generator_role(
    client: Any, studio: Any, template: Any, django_user_model: Any
) -> None:
    client.force_login(studio.reviewer)
    assert client.get(f"/campaigns/{studio.campaign.pk}/csv-batch/").status_code == 403
    stranger = django_user_model.objects.create_user("stranger", password="x")
    client.force_login(stranger)
    assert client.get(f"/campaigns/{studio.campaign.pk}/csv-batch/").status_code == 404
    url = f"/campaigns/{studio.campaign.pk}/csv-batch/template-{template.pk}.csv"
    assert client.get(url).status_code == 404
