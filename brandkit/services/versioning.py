"""What reference packs and poster templates share: draft -> published -> archived, and n + 1."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Max, Model
from django.utils import timezone

from brandkit.choices import VERSION_TRANSITIONS, AuditVerb, VersionStatus
from brandkit.exceptions import ImmutableVersion, InvalidTransition
from brandkit.services.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def ensure_editable(obj: Model) -> None:
    """Refuse any change to a version that is no longer a draft."""
    if obj.status != VersionStatus.DRAFT:  # type: ignore[attr-defined]
        raise ImmutableVersion(
            f"{obj} is {obj.get_status_display().lower()} and cannot change; "  # type: ignore[attr-defined]
            "create a new version to edit it."
        )


def ensure_transition(obj: Model, to: VersionStatus) -> None:
    current = VersionStatus(obj.status)  # type: ignore[attr-defined]
    if to not in VERSION_TRANSITIONS[current]:
        raise InvalidTransition(f"{obj} cannot go from {current.label} to {to.label}.")


def next_version_number(model: type[Model], *, brand_id: int, name: str) -> int:
    latest = model.objects.filter(brand_id=brand_id, name=name).aggregate(n=Max("version"))["n"]  # type: ignore[attr-defined]
    return (latest or 0) + 1


def version_publish(
    obj: Model, *, user: AbstractBaseUser, verb: AuditVerb, data: dict[str, Any]
) -> None:
    """Mark a locked draft published and audit it. Call inside the caller's transaction, after
    its own checks of what the draft must hold."""
    ensure_transition(obj, VersionStatus.PUBLISHED)
    obj.status = VersionStatus.PUBLISHED  # type: ignore[attr-defined]
    obj.published_at = timezone.now()  # type: ignore[attr-defined]
    obj.published_by = user  # type: ignore[attr-defined]
    obj.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        brand_id=obj.brand_id,
        verb=verb,
        subject=obj,
        actor=user,  # type: ignore[attr-defined]
        data={"version": obj.version, **data},  # type: ignore[attr-defined]
    )


def version_archive(obj: Model, *, user: AbstractBaseUser | None, verb: AuditVerb) -> None:
    """Mark a locked published version archived and audit it (inside a transaction)."""
    ensure_transition(obj, VersionStatus.ARCHIVED)
    obj.status = VersionStatus.ARCHIVED  # type: ignore[attr-defined]
    obj.save(update_fields=["status", "updated_at"])
    audit_record(
        brand_id=obj.brand_id,
        verb=verb,
        subject=obj,
        actor=user,  # type: ignore[attr-defined]
        data={"version": obj.version},  # type: ignore[attr-defined]
    )


def open_draft(model: type[Model], source: Model) -> Model | None:
    """The existing draft of `source`'s pack or template, if any. Locks `source` first so two
    simultaneous "edit" clicks queue up and the second finds the first one's draft."""
    model.objects.select_for_update().get(pk=source.pk)  # type: ignore[attr-defined]
    return model.objects.filter(  # type: ignore[attr-defined]
        brand_id=source.brand_id,  # type: ignore[attr-defined]
        name=source.name,  # type: ignore[attr-defined]
        status=VersionStatus.DRAFT,
    ).first()
