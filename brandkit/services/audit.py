"""Writing the audit log. Call inside the transaction of the change being recorded, so a
rollback removes both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def audit_record(
    *,
    brand_id: int,
    verb: AuditVerb,
    subject: Model,
    actor: AbstractBaseUser | None = None,
    campaign_id: int | None = None,
    asset_id: int | None = None,
    version_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `subject` is the object that changed (its type, id and name are kept).

    Transitions that webhooks announce all pass here, in their own transaction, so this is also
    where their webhook deliveries are queued (a rolled-back change announces nothing)."""
    from projects.services.webhook_events import webhook_event_from_audit

    event = AuditEvent.objects.create(
        brand_id=brand_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=subject._meta.model_name or "",
        object_id=subject.pk,
        object_repr=str(subject)[:200],
        campaign_id=campaign_id,
        asset_id=asset_id,
        version_id=version_id,
        data=data or {},
    )
    webhook_event_from_audit(event)
    return event
