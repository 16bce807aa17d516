"""The webhook pages: admins only, secret shown once, test event, refusals shown on the form."""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase

from projects.models import WebhookDelivery, WebhookEndpoint
from tests.factories import PASSWORD
from tests.projects.review_support import inline_queue  # noqa: F401
from tests.projects.webhook_support import Receiver, receiver  # noqa: F401


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_admin_registers_an_endpoint_and_sends_a_test_event(
    studio: Any,
    inline_queue: Any,  # noqa: F811
    receiver: Receiver,  # noqa: F811
) -> None:
    client = _client(studio.admin)
    response = client.post(
        "/brands/acme/webhooks/",
        {"url": receiver.url, "events": ["asset.approved", "review.decided"], "is_active": "on"},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert set(endpoint.events) == {"asset.approved", "review.decided"}
    assert secret not in client.get("/brands/acme/webhooks/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/brands/acme/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    assert WebhookDelivery.objects.get().event == "webhook.test"
    page = client.get(f"/brands/acme/webhooks/{endpoint.pk}/").content.decode()
    assert "webhook.test" in page and "HTTP 200" in page


def test_private_url_is_refused_on_the_form(studio: Any) -> None:
    response = _client(studio.admin).post(
        "/brands/acme/webhooks/", {"url": "http://169.254.169.254/", "events": ["asset.approved"]}
    )
    assert response.status_code == 400
    assert "link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_members_who_are_not_admins_get_404(studio: Any) -> None:
    for user in (studio.marketer, studio.reviewer):
        assert _client(user).get("/brands/acme/webhooks/").status_code == 404
