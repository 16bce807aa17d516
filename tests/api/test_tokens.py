"""Personal tokens: shown once, stored hashed, expiry, revocation, last use, the web page."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from api.choices import TokenScope
from api.models import ApiToken
from api.services.tokens import token_create, token_revoke
from tests.api.conftest import World
from tests.factories import PASSWORD


def _get(secret: str, path: str = "/api/v1/brands/") -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client.get(path).status_code


def test_only_the_hash_is_stored_and_use_is_stamped(world: World) -> None:
    token, secret = token_create(user=world.a.marketer, name="sync", scope=TokenScope.READ)
    row = ApiToken.objects.get(pk=token.pk)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row.__dict__.values())
    assert secret.startswith(row.prefix) and row.last_used_at is None
    assert _get(secret) == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_revoked_expired_unknown_and_missing_tokens_get_401(world: World) -> None:
    token, secret = token_create(user=world.a.marketer, name="old")
    _, expired_secret = token_create(
        user=world.a.marketer, name="short", expires_at=timezone.now() - timedelta(seconds=1)
    )
    token_revoke(token=token)
    for bad in (secret, expired_secret, "bk_not-a-real-token", "nonsense"):
        assert _get(bad) == 401
    response = APIClient().get("/api/v1/brands/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_inactive_user_token_stops_working(world: World) -> None:
    _, secret = token_create(user=world.a.marketer, name="x")
    world.a.marketer.is_active = False
    world.a.marketer.save()
    assert _get(secret) == 401


def test_token_page_shows_the_secret_once_and_revokes(world: World) -> None:
    from django.test import Client

    client = Client()
    assert client.login(username=world.a.marketer.username, password=PASSWORD)
    response = client.post(
        "/account/tokens/", {"name": "DAM sync", "scope": "write", "expires_on": ""}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    token = ApiToken.objects.get(user=world.a.marketer, name="DAM sync")
    assert token.scope == TokenScope.WRITE
    listing = client.get("/account/tokens/").content.decode()
    assert "DAM sync" in listing and secret not in listing
    assert _get(secret) == 200
    # Someone else's token id is 404, not revoked.
    other, _ = token_create(user=world.b.marketer, name="theirs")
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert _get(secret) == 401
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_token_page_refuses_a_past_expiry(world: World) -> None:
    from django.test import Client

    client = Client()
    client.login(username=world.a.marketer.username, password=PASSWORD)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/account/tokens/", {"name": "x", "scope": "read", "expires_on": yesterday}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=world.a.marketer, name="x").exists()
