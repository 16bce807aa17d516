"""Repeated failed logins, from one client or for one account, are refused with a clear page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from brandkit.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def fail(
    client: Client, username: str, *, url: str | None = None, address: str = "10.0.0.1"
) -> Any:
    return client.post(
        url or reverse("login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=address,
    )


def test_an_account_is_locked_after_the_limit_and_says_why(limits: Any) -> None:
    user = UserFactory(username="marketer")
    client = Client()
    for _ in range(2):
        assert fail(client, "marketer").status_code == 200  # the form again, with its error

    locked = fail(client, "marketer")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page

    # The right password does not get in while the lock holds.
    right = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_account_is_locked_from_every_address(limits: Any) -> None:
    UserFactory(username="reviewer")
    for index in range(3):
        fail(Client(), "reviewer", address=f"10.0.0.{index + 10}")

    assert fail(Client(), "reviewer", address="10.9.9.9").status_code == 429


def test_one_address_is_locked_for_every_account(limits: Any) -> None:
    for index in range(3):
        fail(Client(), f"guess-{index}", address="10.0.0.7")

    assert fail(Client(), "someone-else", address="10.0.0.7").status_code == 429
    assert fail(Client(), "someone-else", address="10.0.0.8").status_code == 200


def test_the_admin_login_is_throttled_too(limits: Any) -> None:
    UserFactory(username="operator", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(3):
        fail(Client(), "operator", url=url)

    assert fail(Client(), "operator", url=url).status_code == 429


def test_a_superuser_unlocks_in_the_admin(limits: Any) -> None:
    from axes.models import AccessAttempt

    UserFactory(username="marketer")
    for _ in range(3):
        fail(Client(), "marketer")
    attempts = AccessAttempt.objects.filter(username="marketer")
    assert attempts.exists()

    operator = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    admin = Client()
    admin.force_login(operator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "marketer" in admin.get(changelist).content.decode()
    ids = [str(pk) for pk in attempts.values_list("pk", flat=True)]
    admin.post(changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})

    assert not AccessAttempt.objects.filter(username="marketer").exists()
    ok = Client().post(
        reverse("login"), {"username": "marketer", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is not believed
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: fall back
    ],
)
def test_client_ip_trusts_only_our_own_proxies(
    settings: Any, count: int, forwarded: str, expected: str
) -> None:
    settings.BRANDKIT_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_login_without_a_request_is_not_throttled_nor_refused(limits: Any) -> None:
    """The test client's login() and scripts pass no request: axes must not raise for them."""
    UserFactory(username="scripted")
    assert Client().login(username="scripted", password=PASSWORD)
