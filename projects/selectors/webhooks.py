"""Reads of the webhook pages, for a brand's admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from brandkit.choices import MembershipRole
from brandkit.models import Brand
from brandkit.selectors import brand_list_for_user
from projects.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from brandkit.selectors import AnyUser

RECENT_DELIVERIES = 50


def webhook_admin_brand(*, slug: str, user: AnyUser) -> Brand:
    """The brand, if the user administers it; 404 otherwise (members included)."""
    brand = brand_list_for_user(user=user, roles=[MembershipRole.ADMIN]).filter(slug=slug).first()
    if brand is None:
        raise Http404("No such brand.")
    return brand


def webhook_endpoints(*, brand: Brand) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(brand=brand).order_by("created_at")


def webhook_endpoint_get(*, brand: Brand, pk: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(brand=brand, pk=pk).select_related("brand").first()
    if endpoint is None:
        raise Http404("No such webhook.")
    return endpoint


def webhook_recent_deliveries(*, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries with every attempt, in two queries."""
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        .order_by("-created_at")[:RECENT_DELIVERIES]
    )
