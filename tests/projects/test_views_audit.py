"""The audit log pages: admins only, filters, and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent
from tests.factories import brand_with_admin
from tests.projects.review_support import first_version, inline_queue, submitted  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.usefixtures("inline_queue")
def test_audit_csv_lists_every_event_of_the_brand_with_its_details(studio: Any) -> None:
    version = first_version(studio)
    submitted(version, user=studio.marketer)
    response = _client(studio.admin).get(
        reverse("projects:audit_log_csv", args=[studio.brand.slug])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-acme.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    verbs = [row["verb"] for row in rows]
    assert verbs.count(AuditVerb.SUBMITTED) == 1
    assert AuditVerb.GENERATION_QUEUED in verbs and AuditVerb.GENERATION_SUCCEEDED in verbs
    assert len(rows) == AuditEvent.objects.filter(brand=studio.brand).count()
    submit_row = next(row for row in rows if row["verb"] == AuditVerb.SUBMITTED)
    assert submit_row["actor"] == studio.marketer.get_username()
    assert submit_row["asset_id"] == str(version.asset_id)
    assert json.loads(submit_row["details"])["version"] == 1


@pytest.mark.usefixtures("inline_queue")
def test_audit_csv_follows_the_asset_filter(studio: Any) -> None:
    first = first_version(studio)
    second = first_version(studio)
    submitted(first, user=studio.marketer)
    submitted(second, user=studio.marketer)
    url = reverse("projects:audit_log_csv", args=[studio.brand.slug])
    response = _client(studio.admin).get(url, {"asset": first.asset_id})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows and {row["asset_id"] for row in rows} == {str(first.asset_id)}


def test_audit_pages_are_for_the_brands_admins_only(studio: Any) -> None:
    other_brand, other_admin = brand_with_admin(name="Other", slug="other")
    for name in ("projects:audit_log", "projects:audit_log_csv"):
        url = reverse(name, args=[studio.brand.slug])
        # Members are told why; outsiders do not learn the brand exists.
        refused = _client(studio.marketer).get(url)
        assert refused.status_code == 403
        assert "Only the brand&#x27;s admins can read its audit log." in refused.content.decode()
        assert _client(studio.reviewer).get(url).status_code == 403
        assert _client(other_admin).get(url).status_code == 404
        assert _client(studio.admin).get(url).status_code == 200
    assert other_brand.slug == "other"


def test_approval_steps_in_the_admin_offer_only_the_brands_reviewers(studio: Any) -> None:
    _other, other_admin = brand_with_admin(name="Other", slug="other")
    response = _client(studio.admin).get(reverse("admin:projects_approvalstep_add"))
    assert response.status_code == 200
    page = response.content.decode()
    assert studio.reviewer.get_username() in page
    assert other_admin.get_username() not in page
    assert "Other" not in page


@pytest.mark.usefixtures("inline_queue")
def test_audit_log_filters_by_campaign_name_and_asset_title_and_shows_names(
    studio: Any,
) -> None:
    from decimal import Decimal

    from projects.services.campaigns import campaign_create

    first = first_version(studio)
    submitted(first, user=studio.marketer)  # an event that names the asset
    other = campaign_create(
        brand=studio.brand,
        owner=studio.marketer,
        name="Autumn",
        budget=Decimal("5"),
        channels=["web"],
    )
    url = reverse("projects:audit_log", args=[studio.brand.slug])
    client = _client(studio.admin)

    page = client.get(url).content.decode()
    assert f'<option value="{studio.campaign.pk}">Spring</option>' in page
    assert f'<option value="{other.pk}">Autumn</option>' in page
    assert f">{first.asset.title}</a>" in page  # titles, not ids, in the table

    by_title = client.get(url, {"asset_title": first.asset.title[:6]}).content.decode()
    assert f">{first.asset.title}</a>" in by_title
    nothing = client.get(url, {"asset_title": "no asset has this"}).content.decode()
    assert "Nothing recorded yet." in nothing
    by_other_campaign = client.get(url, {"campaign": other.pk}).content.decode()
    assert first.asset.title not in by_other_campaign
