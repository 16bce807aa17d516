"""Webhook events: which transitions send which event, and delivering them with retries.

Every transition that webhooks announce already writes an audit event in its own transaction
(brandkit.services.audit.audit_record), so that is where events start: `webhook_event_from_audit`
maps the audit verb to a webhook event and queues one delivery per subscribed endpoint, in the
same transaction (a rolled-back change announces nothing). Deliveries are RQ jobs sent after
commit. A failed attempt is retried with exponential backoff; after WEBHOOK_MAX_ATTEMPTS the
delivery is given up, and after WEBHOOK_DISABLE_AFTER failed attempts in a row (across
deliveries) the endpoint is disabled and the brand's admins are emailed.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from brandkit.choices import AuditVerb, MembershipRole
from brandkit.crypto import decrypt_secret
from brandkit.models import Brand, Membership
from projects.choices import DeliveryStatus, WebhookEvent
from projects.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from projects.providers.webhooks import post_webhook
from projects.queue import enqueue_after_commit
from projects.services.webhook_signing import SIGNATURE_HEADER, signature_header

if TYPE_CHECKING:
    from brandkit.models import AuditEvent

logger = logging.getLogger(__name__)
E = WebhookEvent

EVENTS_BY_VERB: dict[str, tuple[str, ...]] = {
    AuditVerb.GENERATION_SUCCEEDED: (E.GENERATION_SUCCEEDED,),
    AuditVerb.GENERATION_PARTIAL: (E.GENERATION_SUCCEEDED,),
    AuditVerb.GENERATION_FAILED: (E.GENERATION_FAILED,),
    AuditVerb.SUBMITTED: (E.ASSET_SUBMITTED,),
    AuditVerb.STEP_APPROVED: (E.REVIEW_DECIDED,),
    AuditVerb.CHANGES_REQUESTED: (E.REVIEW_DECIDED,),
    AuditVerb.REJECTED: (E.REVIEW_DECIDED,),
    AuditVerb.APPROVED: (E.REVIEW_DECIDED, E.ASSET_APPROVED),
    AuditVerb.EXPORTED: (E.EXPORT_READY,),
}
# A scheduled attempt normally runs on time; the sweep only re-sends what is this late.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500
API_PATHS = {
    "generation": "/api/v1/generations/{}/",
    "asset": "/api/v1/assets/{}/",
    "campaign": "/api/v1/campaigns/{}/",
}


def backoff_seconds(attempt: int) -> int:
    """Wait after failed attempt n: base, then x4 each time, capped (30 s, 2 min, 8 min...)."""
    return min(
        settings.WEBHOOK_BACKOFF_BASE_SECONDS * 4 ** (attempt - 1), settings.WEBHOOK_BACKOFF_CAP
    )


def webhook_event_from_audit(event: AuditEvent) -> None:
    """Queue the webhook deliveries an audit event announces (none for most verbs)."""
    names = EVENTS_BY_VERB.get(event.verb)
    if not names:
        return
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(brand_id=event.brand_id, is_active=True)
        if set(endpoint.events) & set(names)
    ]
    if not endpoints:
        return
    data = {
        "object": {
            "type": event.object_type,
            "id": event.object_id,
            "name": event.object_repr,
            "api_url": API_PATHS.get(event.object_type, "").format(event.object_id) or None,
        },
        "campaign_id": event.campaign_id,
        "asset_id": event.asset_id,
        "version_id": event.version_id,
        "actor": event.actor.get_username() if event.actor else None,
        "verb": event.verb,
        "details": event.data,
    }
    for endpoint in endpoints:
        for name in names:
            if name in endpoint.events:
                delivery_create(endpoint=endpoint, event=name, data=data)


def delivery_create(
    *, endpoint: WebhookEndpoint, event: str, data: dict[str, Any]
) -> WebhookDelivery:
    """Save one delivery with its final body and send its first attempt after commit."""
    event_id = f"evt_{uuid.uuid4().hex}"
    brand = Brand.objects.only("slug").get(pk=endpoint.brand_id)
    body = json.dumps(
        {
            "id": event_id,
            "type": event,
            "created_at": timezone.now().isoformat(),
            "brand": brand.slug,
            "data": data,
        },
        separators=(",", ":"),
        default=str,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, event_id=event_id, body=body, next_attempt_at=timezone.now()
    )
    _send(delivery)
    return delivery


def _send(delivery: WebhookDelivery, *, delay_seconds: float = 0.0) -> None:
    from projects.jobs import webhook_delivery_job

    enqueue_after_commit(
        webhook_delivery_job,
        delivery.pk,
        job_id=f"webhook-{delivery.pk}-{delivery.attempts + 1}",
        delay_seconds=delay_seconds,
    )


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> None:
    """Make the next attempt of a delivery if it is due; safe to run twice (the claim is a
    compare-and-set on `attempts`)."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return
    if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=1):
        return
    number = delivery.attempts + 1
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=number, next_attempt_at=None)
    if not claimed:
        return
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    # No transaction is open across the POST: a slow receiver holds no row lock.
    result = post_webhook(
        endpoint.url,
        body=body,
        headers={
            SIGNATURE_HEADER: signature_header(
                secret=decrypt_secret(endpoint.secret_encrypted), body=body
            ),
            "Brandkit-Event": delivery.event,
            "Brandkit-Delivery": delivery.event_id,
        },
    )
    _record(delivery, number, now, result)


def _record(delivery: WebhookDelivery, number: int, started: datetime, result: Any) -> None:
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=started,
            duration_ms=result.duration_ms,
            status_code=result.status_code,
            error=result.error,
            response_excerpt=result.excerpt,
        )
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        delivery.attempts = number
        if result.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.finished_at = timezone.now()
            delivery.save(update_fields=["status", "finished_at"])
            if endpoint.consecutive_failures:
                endpoint.consecutive_failures = 0
                endpoint.save(update_fields=["consecutive_failures", "updated_at"])
            return
        endpoint.consecutive_failures += 1
        fields = ["consecutive_failures", "updated_at"]
        if endpoint.is_active and endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER:
            _disable(endpoint, result)
            fields += ["is_active", "disabled_at", "disabled_reason"]
        endpoint.save(update_fields=fields)
        if number >= settings.WEBHOOK_MAX_ATTEMPTS or not endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.finished_at = timezone.now()
            delivery.save(update_fields=["status", "finished_at"])
            return
        wait = backoff_seconds(number)
        delivery.next_attempt_at = started + timedelta(seconds=wait)
        delivery.save(update_fields=["next_attempt_at"])
        _send(delivery, delay_seconds=wait)


def _disable(endpoint: WebhookEndpoint, result: Any) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    what = f"HTTP {result.status_code}" if result.status_code else result.error
    endpoint.disabled_reason = (
        f"Disabled after {endpoint.consecutive_failures} failed attempts in a row; last: {what}"
    )[:300]
    admins = list(
        Membership.objects.filter(brand_id=endpoint.brand_id, role=MembershipRole.ADMIN)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    url, reason = endpoint.url, endpoint.disabled_reason
    page = settings.BRANDKIT_PUBLIC_URL.rstrip("/") + endpoint.get_absolute_url()

    def tell_admins() -> None:
        send_mail(
            "Brandkit webhook disabled",
            f"The webhook endpoint {url} was disabled. {reason}.\n\nCheck the receiver, then "
            f"turn it back on: {page}",
            None,
            admins,
        )

    if admins:
        transaction.on_commit(tell_admins, robust=True)


def webhook_deliveries_sweep(*, now: datetime | None = None) -> int:
    """Send again the attempts that are overdue (their RQ job was lost, or inline mode left a
    delayed one to us); returns how many. Run by the worker's periodic maintenance, which must
    stay quick, so this only enqueues: the POSTs happen in jobs."""
    now = now or timezone.now()
    overdue = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
        ).order_by("next_attempt_at")[:SWEEP_BATCH]
    )
    for delivery in overdue:
        _send(delivery)
    return len(overdue)
