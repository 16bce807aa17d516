"""Personal API tokens and the idempotency keys of generation-creating requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from api.choices import TokenScope


class ApiToken(models.Model):
    """A personal token a user made for scripts and integrations.

    Only the sha256 of the secret is stored; the secret is shown once when made. `prefix` is the
    first characters of the secret, kept so people can tell their tokens apart. A token acts as
    its user, with the user's brand roles, limited further by its scope.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyKey(models.Model):
    """The first response to a generation-creating request sent with an `Idempotency-Key`.

    One row per user and key: the unique constraint is what makes two racing requests with the
    same key queue once (the second waits on the first's row, then replays its response).
    `fingerprint` hashes method, path and body, so the same key with another body is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="%(app_label)s_%(class)s_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user})"
