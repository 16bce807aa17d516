"""What reference packs and poster templates share: draft -> published -> archived, and n + 1."""

from __future__ import annotations

from django.db.models import Max, Model

from brandkit.choices import VERSION_TRANSITIONS, VersionStatus
from brandkit.exceptions import ImmutableVersion, InvalidTransition


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
