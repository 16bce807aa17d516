"""`create_brand`: a brand and its first admin in one command, for a production first run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from brandkit.choices import MembershipRole
from brandkit.models import Brand, Membership

pytestmark = pytest.mark.django_db


def test_creates_the_brand_and_a_staff_admin_without_a_password(settings) -> None:
    settings.DEBUG = False  # what production runs with; load_demo would refuse here
    out = StringIO()
    call_command("create_brand", "Northwind Coffee", "northwind", "--admin", "alice", stdout=out)

    brand = Brand.objects.get(slug="northwind")
    alice = get_user_model().objects.get(username="alice")
    assert alice.is_staff and not alice.has_usable_password()
    assert Membership.objects.get(brand=brand, user=alice).role == MembershipRole.ADMIN
    assert "changepassword alice" in out.getvalue()


def test_an_existing_account_is_reused_and_a_taken_slug_is_refused() -> None:
    bob = get_user_model().objects.create_user("bob", password="pw-for-bob-123")
    call_command("create_brand", "Acme", "acme", "--admin", "bob", stdout=StringIO())
    bob.refresh_from_db()
    assert bob.is_staff and bob.check_password("pw-for-bob-123")

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_brand", "Acme again", "acme", "--admin", "bob", stdout=StringIO())


def test_a_bad_slug_is_a_clear_error_and_creates_nobody() -> None:
    with pytest.raises(CommandError, match="slug"):
        call_command("create_brand", "Acme", "not a slug!", "--admin", "carol", stdout=StringIO())
    assert not get_user_model().objects.filter(username="carol").exists()
