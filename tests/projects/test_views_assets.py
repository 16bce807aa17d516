"""The asset page's submit action: no "Submit for review" once approved with nothing newer, and
an older version than the approved one asks before it can replace it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from projects.choices import ReviewStatus
from projects.models import Asset
from tests.projects.review_support import (
    asset_in,
    decided,
    inline_queue,  # noqa: F401
    next_version,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_approved_asset_with_nothing_newer_offers_no_submit(studio: Any) -> None:
    asset, _version = asset_in(studio, ReviewStatus.APPROVED)
    page = client_for(studio.marketer).get(asset.get_absolute_url()).content.decode()
    assert "Submit for review" not in page
    assert "Queue edit" in page  # the way forward is a new version


def test_an_older_version_asks_before_replacing_the_approved_one(studio: Any) -> None:
    first = asset_in(studio, ReviewStatus.DRAFT)[1]
    second = next_version(studio, first)
    submitted(second, user=studio.marketer)
    decided(second, user=studio.reviewer)
    client = client_for(studio.marketer)
    url = reverse("projects:asset_submit", args=[first.asset_id])

    page = client.get(Asset.objects.get(pk=first.asset_id).get_absolute_url()).content.decode()
    assert (
        "Submit for review" in page and f'value="{second.pk}"' not in page.split("Submit")[1][:400]
    )

    asked = client.post(url, {"version": first.pk})
    assert asked.status_code == 200
    assert "instead of approved version 2" in asked.content.decode()
    assert Asset.objects.get(pk=first.asset_id).review_status == ReviewStatus.APPROVED

    confirmed = client.post(url, {"version": first.pk, "replace_approved": "yes"})
    assert confirmed.status_code == 302
    asset = Asset.objects.get(pk=first.asset_id)
    assert (asset.review_status, asset.submitted_version_id) == (ReviewStatus.IN_REVIEW, first.pk)


def test_the_live_state_changes_when_an_edit_lands(studio: Any) -> None:
    asset, version = asset_in(studio, ReviewStatus.DRAFT)
    client = client_for(studio.marketer)
    url = reverse("projects:asset_status", args=[asset.pk])
    page = client.get(asset.get_absolute_url()).content.decode()
    before = client.get(url).json()
    assert f'data-state="{before["state"]}"' in page and before["latest"] == 1
    assert "js/asset_live.js" in page

    next_version(studio, version)

    after = client.get(url).json()
    assert after["state"] != before["state"] and after["latest"] == 2
    assert after["working"] == 0
