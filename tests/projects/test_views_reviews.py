"""The review inbox: round and earlier comment on a resubmission; a refused decision comes back
to the form it was made in, with the choice and the error in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from projects.choices import Decision, ReviewStatus
from projects.models import Asset
from tests.projects.review_support import (
    asset_in,
    inline_queue,  # noqa: F401
    next_version,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_resubmission_card_shows_its_round_and_the_earlier_comment(studio: Any) -> None:
    _asset, version = asset_in(studio, ReviewStatus.CHANGES_REQUESTED)  # comment "Not on brand."
    submitted(next_version(studio, version), user=studio.marketer)

    page = client_for(studio.reviewer).get(reverse("projects:review_inbox")).content.decode()

    assert "round 2" in page
    assert "Round 1," in page and "asked for changes:" in page and "Not on brand." in page


def test_request_changes_without_a_comment_from_the_inbox_stays_in_the_inbox(studio: Any) -> None:
    asset, version = asset_in(studio, ReviewStatus.IN_REVIEW)
    client = client_for(studio.reviewer)
    response = client.post(
        reverse("projects:asset_decide", args=[asset.pk]),
        {
            "version": version.pk,
            "decision": Decision.REQUEST_CHANGES,
            "comment": "",
            "next": "inbox",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("projects:review_inbox") + f"#inbox-{asset.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'role="alert">' in page and "comment" in page.lower()
    assert 'value="request_changes" data-changes class="chosen"' in page
    assert Asset.objects.get(pk=asset.pk).review_status == ReviewStatus.IN_REVIEW
    # Shown once.
    assert 'class="chosen"' not in client.get(reverse("projects:review_inbox")).content.decode()


def test_a_refused_decision_on_the_asset_page_keeps_the_choice_and_comment(studio: Any) -> None:
    asset, version = asset_in(studio, ReviewStatus.IN_REVIEW)
    client = client_for(studio.reviewer)
    response = client.post(
        reverse("projects:asset_decide", args=[asset.pk]),
        {"version": version.pk, "decision": Decision.REJECT, "comment": "  "},
    )

    page = client.get(response["Location"]).content.decode()
    assert 'class="error" role="alert"' in page
    assert (
        'value="reject" checked' in page
        or 'checked value="reject"' in page
        or ('value="reject"' in page and "checked" in page.split('value="reject"')[1][:40])
    )
