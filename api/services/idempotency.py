"""Idempotency-Key handling for requests that create generations.

The key row and the work it guards are written in ONE transaction: the first request inserts
the row, does the work and stores its response before committing; a second request with the
same key blocks on the unique index until then and replays the stored answer, so the work
(and the provider call and the bill behind it) happens once however the requests race. A
request that fails rolls its key back with it, so the client can fix the problem and retry
with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from api.exceptions import IdempotencyKeyReused
from api.models import IdempotencyKey

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any
    replayed: bool


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    canonical = json.dumps(
        {"method": method.upper(), "path": path, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent_call(
    *,
    user: AbstractBaseUser,
    key: str,
    fingerprint: str,
    produce: Callable[[], tuple[int, Any]],
) -> StoredResponse:
    """Run `produce` once per (user, key) within KEY_LIFETIME and return its (status, body);
    later calls with the same fingerprint get the stored answer, another fingerprint raises
    IdempotencyKeyReused."""
    with transaction.atomic():
        IdempotencyKey.objects.filter(
            user=user, key=key, created_at__lt=timezone.now() - KEY_LIFETIME
        ).delete()
        row, created = IdempotencyKey.objects.get_or_create(
            user=user,
            key=key,
            defaults={"fingerprint": fingerprint, "status_code": 0, "response": {}},
        )
        if not created:
            if row.fingerprint != fingerprint:
                raise IdempotencyKeyReused(IdempotencyKeyReused.message)
            return StoredResponse(row.status_code, row.response, replayed=True)
        status_code, body = produce()
        row.status_code = status_code
        row.response = body
        row.save(update_fields=["status_code", "response"])
        return StoredResponse(status_code, body, replayed=False)


def idempotency_keys_purge(*, older_than: timedelta = KEY_LIFETIME) -> int:
    """Delete keys past their lifetime; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
