"""Domain errors of the API app."""

from __future__ import annotations


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was already used with a different request body."""

    message = "This Idempotency-Key was used with a different request; use a new key."
