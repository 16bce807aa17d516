"""Webhooks: signed per the README recipe, one per listed transition, retried with backoff,
given up and the endpoint disabled (admins told), private targets refused."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from brandkit.exceptions import NotPermitted
from projects.choices import Decision, DeliveryStatus, WebhookEvent
from projects.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from projects.providers.base import ProviderError, ProviderErrorKind
from projects.services.approvals import approval_decide, approval_submit
from projects.services.webhook_events import backoff_seconds, webhook_deliveries_sweep
from projects.services.webhook_signing import signature_verify
from projects.services.webhooks import webhook_endpoint_create, webhook_send_test
from tests.projects.generation_support import ask
from tests.projects.review_support import LOCAL_SIZE, first_version, inline_queue  # noqa: F401
from tests.projects.webhook_support import Receiver, receiver  # noqa: F401

ALL_EVENTS = [value for value, _ in WebhookEvent.choices]


def _readme_verify() -> Any:
    """The verification snippet from the README's Webhooks section, run as written, so the
    documented recipe cannot drift from what Brandkit sends."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Webhooks") :]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our own README, read from the repository
    return namespace["verify"]


def _make_due(*deliveries: WebhookDelivery) -> None:
    """Stand in for the clock: the next attempt was due two minutes ago (past the sweep's
    grace), so the sweep sends it now; a test never sleeps through a real backoff."""
    for delivery in deliveries:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            next_attempt_at=timezone.now() - timedelta(minutes=2)
        )


def _sweep_due(*deliveries: WebhookDelivery) -> None:
    _make_due(*deliveries)
    with TestCase.captureOnCommitCallbacks(execute=True):
        webhook_deliveries_sweep()


def _endpoint(studio: Any, hook: Receiver, events: list[str] | None = None) -> Any:
    return webhook_endpoint_create(
        brand=studio.brand, user=studio.admin, url=hook.url, events=events or ALL_EVENTS
    )


def _events(hook: Receiver) -> list[str]:
    return [json.loads(request["body"])["type"] for request in hook.requests]


def test_each_listed_transition_sends_its_event_signed(
    studio: Any,
    inline_queue: Any,  # noqa: F811
    receiver: Receiver,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, secret = _endpoint(studio, receiver)
    readme_verify = _readme_verify()
    version = first_version(studio)
    assert _events(receiver) == ["generation.succeeded"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        approval_submit(asset=version.asset, version=version, user=studio.marketer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        approval_decide(
            asset=version.asset,
            version=version,
            decision=Decision.APPROVE,
            comment="",
            user=studio.reviewer,
        )
    assert _events(receiver) == [
        "generation.succeeded",
        "asset.submitted",
        "review.decided",
        "asset.approved",
    ]

    def refuse(generation: Any, **_: Any) -> Any:
        raise ProviderError(ProviderErrorKind.CONTENT_POLICY, "local: refused", provider="local")

    monkeypatch.setattr("projects.services.generation_runs._call_provider", refuse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(studio, size=LOCAL_SIZE)
    generation.refresh_from_db()
    assert generation.status == "failed"
    assert _events(receiver)[-1] == "generation.failed"
    for request in receiver.requests:
        header = request["headers"]["Brandkit-Signature"]
        assert readme_verify(secret, header, request["body"])
        assert signature_verify(secret=secret, header=header, body=request["body"])
        assert not readme_verify("whsec_wrong", header, request["body"])
        assert not readme_verify(secret, header, request["body"] + b" ")
    body = json.loads(receiver.requests[3]["body"])
    assert body["brand"] == "acme" and body["data"]["object"]["type"] == "asset"
    assert body["data"]["object"]["api_url"] == f"/api/v1/assets/{version.asset_id}/"
    assert receiver.requests[3]["headers"]["Brandkit-Event"] == "asset.approved"


def test_only_subscribed_events_and_active_endpoints_get_deliveries(
    studio: Any,
    inline_queue: Any,  # noqa: F811
    receiver: Receiver,  # noqa: F811
) -> None:
    _endpoint(studio, receiver, events=["asset.approved"])
    first_version(studio)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_replayed_or_stale_signatures_fail_verification() -> None:
    from projects.services.webhook_signing import signature_header

    body = b'{"id":"evt_1"}'
    old = signature_header(secret="s", body=body, timestamp=int(time.time()) - 301)
    assert not signature_verify(secret="s", header=old, body=body)
    assert not signature_verify(secret="s", header="garbage", body=body)
    fresh = signature_header(secret="s", body=body)
    assert signature_verify(secret="s", header=fresh, body=body)


def test_failing_receiver_gets_backoff_then_gives_up_then_endpoint_disabled(
    studio: Any,
    inline_queue: Any,  # noqa: F811
    receiver: Receiver,  # noqa: F811
    settings: Any,
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_DISABLE_AFTER = 5
    receiver.status = 500
    endpoint, _ = _endpoint(studio, receiver)
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = webhook_send_test(endpoint=endpoint, user=studio.admin)
    first.refresh_from_db()
    assert first.attempts == 1 and first.status == DeliveryStatus.PENDING
    wait = (first.next_attempt_at - first.attempt_log.get().started_at).total_seconds()
    assert wait == backoff_seconds(1) == 30
    # Not due yet: the sweep leaves it alone.
    assert webhook_deliveries_sweep() == 0
    for _ in range(2):
        _sweep_due(first)
    first.refresh_from_db()
    attempts = list(WebhookAttempt.objects.filter(delivery=first).order_by("number"))
    assert [attempt.status_code for attempt in attempts] == [500, 500, 500]
    assert first.status == DeliveryStatus.FAILED and len(receiver.requests) == 3
    assert backoff_seconds(2) == 120 and backoff_seconds(3) == 480
    # Two more failures in a row reach WEBHOOK_DISABLE_AFTER: disabled, admins emailed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = webhook_send_test(endpoint=endpoint, user=studio.admin)
    _sweep_due(second)
    endpoint.refresh_from_db()
    second.refresh_from_db()
    assert not endpoint.is_active and endpoint.consecutive_failures == 5
    assert "5 failed attempts" in endpoint.disabled_reason
    assert second.status == DeliveryStatus.FAILED and second.attempts == 2
    assert [message.to for message in mail.outbox if "webhook" in message.subject] == [
        [studio.admin.email]
    ]
    # A disabled endpoint gets no new events.
    first_version(studio)
    assert len(receiver.requests) == 5


def test_success_resets_the_failure_count(
    studio: Any,
    inline_queue: Any,  # noqa: F811
    receiver: Receiver,  # noqa: F811
) -> None:
    receiver.status = 503
    endpoint, _ = _endpoint(studio, receiver)
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery = webhook_send_test(endpoint=endpoint, user=studio.admin)
    receiver.status = 204
    _sweep_due(delivery)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and endpoint.consecutive_failures == 0
    # Every attempt is logged with the same body and event id.
    bodies = {request["body"] for request in receiver.requests}
    assert len(receiver.requests) == 2 and len(bodies) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://[::1]/hook",
        "ftp://example.com/hook",
    ],
)
def test_private_targets_are_refused_when_registered(studio: Any, url: str) -> None:
    with pytest.raises(ValidationError) as error:
        webhook_endpoint_create(brand=studio.brand, user=studio.admin, url=url, events=ALL_EVENTS)
    assert "url" in error.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_private_target_is_refused_at_delivery_time_too(
    studio: Any,
    inline_queue: Any,  # noqa: F811
    receiver: Receiver,  # noqa: F811
    settings: Any,
) -> None:
    endpoint, _ = _endpoint(studio, receiver)
    # The allowance is gone (as if DNS now pointed a public name at a private address).
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery = webhook_send_test(endpoint=endpoint, user=studio.admin)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and attempt.error.startswith("Refused:")
    assert "127.0.0.1" in attempt.error and receiver.requests == []


def test_only_brand_admins_manage_webhooks(studio: Any, receiver: Receiver) -> None:  # noqa: F811
    with pytest.raises(NotPermitted):
        webhook_endpoint_create(
            brand=studio.brand, user=studio.marketer, url=receiver.url, events=ALL_EVENTS
        )
    with pytest.raises(ValidationError):
        webhook_endpoint_create(
            brand=studio.brand, user=studio.admin, url=receiver.url, events=["nope"]
        )
