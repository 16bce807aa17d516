"""Brand admins' webhook endpoints: register, change, re-enable, delete, send a test event."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from brandkit.choices import MembershipRole
from brandkit.crypto import encrypt_secret
from brandkit.exceptions import NotPermitted
from brandkit.models import Brand
from brandkit.selectors import brand_role
from projects.choices import WEBHOOK_TEST_EVENT, WebhookEvent
from projects.models import WebhookDelivery, WebhookEndpoint
from projects.providers.webhooks import WebhookTargetRefused, vet_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SECRET_PREFIX = "whsec_"  # noqa: S105 (tells webhook secrets apart; not a secret itself)


def _check_admin(user: AbstractBaseUser, brand: Brand) -> None:
    if brand_role(user=user, brand=brand) != MembershipRole.ADMIN:
        raise NotPermitted(f"Only admins of {brand} manage its webhooks.")


def _clean(url: str, events: list[str]) -> tuple[str, list[str]]:
    url = url.strip()
    try:
        # Checked now for a clear message; checked again at every delivery, since DNS changes.
        vet_url(url)
    except WebhookTargetRefused as exc:
        raise ValidationError({"url": exc.args[0]}) from exc
    valid = {value for value, _ in WebhookEvent.choices}
    chosen = [event for event in dict.fromkeys(events) if event in valid]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": "Pick one or more of the listed events."})
    return url, chosen


def webhook_endpoint_create(
    *, brand: Brand, user: AbstractBaseUser, url: str, events: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown to the admin)."""
    _check_admin(user, brand)
    url, events = _clean(url, events)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        brand=brand,
        url=url,
        events=events,
        description=description,
        secret_encrypted=encrypt_secret(secret),
        created_by=user,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    user: AbstractBaseUser,
    url: str,
    events: list[str],
    description: str = "",
    is_active: bool = True,
) -> WebhookEndpoint:
    """Change an endpoint; turning it back on clears its failure count."""
    _check_admin(user, endpoint.brand)
    endpoint.url, endpoint.events = _clean(url, events)
    endpoint.description = description
    if is_active and not endpoint.is_active:
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    endpoint.is_active = is_active
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, user: AbstractBaseUser) -> None:
    _check_admin(user, endpoint.brand)
    endpoint.delete()


def webhook_send_test(*, endpoint: WebhookEndpoint, user: AbstractBaseUser) -> WebhookDelivery:
    """Queue a `webhook.test` delivery to this endpoint, active or not, so the admin can check
    the receiver and its signature check."""
    from projects.services.webhook_events import delivery_create

    _check_admin(user, endpoint.brand)
    with transaction.atomic():
        return delivery_create(
            endpoint=endpoint,
            event=WEBHOOK_TEST_EVENT,
            data={"message": "A test event sent from Brandkit.", "sent_by": user.get_username()},
        )
