"""Every admin change to a brand's data lands in that brand's audit log (budget changes too)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent, Membership
from tests.brandkit.admin_support import add_inline_row, admin_url, form_post_data, inline_prefix
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def admin_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_budget_change_in_the_admin_is_in_the_audit_log(studio: Any) -> None:
    client = admin_client(studio.admin)
    data = form_post_data(client.get(admin_url(studio.campaign)))
    data["budget"] = "123.00"

    assert client.post(admin_url(studio.campaign), data).status_code == 302

    studio.campaign.refresh_from_db()
    assert studio.campaign.budget == Decimal("123.00")
    event = AuditEvent.objects.get(brand=studio.brand, verb=AuditVerb.ADMIN_CHANGED)
    assert event.actor == studio.admin
    assert event.campaign_id == studio.campaign.pk
    assert "budget" in str(event.data["change"]).lower()
    log = client.get(f"/brands/{studio.brand.slug}/audit/").content.decode()
    assert "Changed in the admin" in log


def test_a_member_added_in_the_admin_is_in_the_audit_log(studio: Any) -> None:
    newcomer = UserFactory(username="newcomer")
    client = admin_client(studio.admin)
    page = client.get(admin_url(studio.brand))
    data = form_post_data(page)
    add_inline_row(data, inline_prefix(page, Membership), username="newcomer", role="viewer")

    assert client.post(admin_url(studio.brand), data).status_code == 302

    assert Membership.objects.filter(brand=studio.brand, user=newcomer).exists()
    event = AuditEvent.objects.get(brand=studio.brand, verb=AuditVerb.ADMIN_CHANGED)
    assert "membership" in str(event.data["change"]).lower()
