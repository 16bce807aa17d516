"""The append-only audit log of every state change, per brand."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from brandkit.choices import AuditVerb


class AuditEvent(models.Model):
    """Who did what, when, to which object, written in the same transaction as the change.

    Rows are never updated (a database trigger refuses it). Campaign, asset and version are
    plain ids rather than foreign keys: the brand library knows nothing of campaigns, yet a
    brand admin filters the log by them.
    """

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank for the system (workers, the sweep).",
    )
    verb = models.CharField(max_length=32, choices=AuditVerb.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    campaign_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    asset_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    version_id = models.PositiveBigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "-created_at"], name="brandkit_audit_brand_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_verb_display()} {self.object_repr}"
