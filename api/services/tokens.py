"""Personal API tokens: make one (the secret is returned once), revoke it, authenticate with it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from api.choices import TokenScope
from api.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

TOKEN_PREFIX = "bk_"  # noqa: S105 (a marker that tells tokens apart, not a secret)
# last_used_at is a hint for people, not an audit trail: write it at most once a minute per
# token, so a busy script does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=token_digest(secret),
        scope=TokenScope(scope),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, secret


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token for this secret (not revoked, not expired, of an active user), or None.
    Stamps last_used_at."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
