"""Outbound webhooks: a brand's endpoints, each event's delivery to one, and every attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from brandkit.models.base import TimeStampedModel
from projects.choices import DeliveryStatus


class WebhookEndpoint(TimeStampedModel):
    """A URL a brand admin registered to receive some of the brand's events, signed with
    `secret` (stored encrypted: it must be read back to sign). An endpoint that keeps failing
    is disabled (`disabled_at`, `disabled_reason`) and its brand's admins are told."""

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField()
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["brand", "created_at"]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("projects:webhook_detail", kwargs={"slug": self.brand.slug, "pk": self.pk})


class WebhookDelivery(models.Model):
    """One event for one endpoint. `body` is the exact JSON sent, identical on every attempt
    (only the signature's timestamp changes), so receivers can dedupe on `event_id`."""

    endpoint = models.ForeignKey(
        "projects.WebhookEndpoint", on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=40, unique=True)
    body = models.TextField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, how long, the receiver's status code or the error."""

    delivery = models.ForeignKey(
        "projects.WebhookDelivery", on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} attempt {self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
