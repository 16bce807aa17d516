"""`manage.py load_demo`: the demo brand, its library, a campaign and three users; idempotent."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from brandkit.choices import MembershipRole, VersionStatus
from brandkit.models import (
    Brand,
    BrandColor,
    BrandFont,
    BrandLogo,
    Membership,
    PosterTemplate,
    ReferenceImage,
    ReferencePack,
    TemplateTextSlot,
)
from projects.models import Campaign

pytestmark = pytest.mark.django_db
COUNTED = [
    Brand,
    BrandColor,
    BrandFont,
    BrandLogo,
    ReferencePack,
    ReferenceImage,
    PosterTemplate,
    TemplateTextSlot,
    Campaign,
    Membership,
    get_user_model(),
]


@pytest.fixture
def debug_on(settings, tmp_path: Path) -> None:
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_load_demo_creates_the_demo_brand_library_campaign_and_users(debug_on) -> None:
    output = StringIO()
    call_command("load_demo", stdout=output)

    brand = Brand.objects.get(slug="northwind-coffee")
    assert brand.name == "Northwind Coffee"
    assert brand.colors.count() == 5
    assert sorted(brand.fonts.values_list("role", flat=True)) == ["body", "heading"]
    assert list(brand.logos.values_list("variant", flat=True)) == ["primary"]
    pack = ReferencePack.objects.get(brand=brand)
    assert (pack.status, pack.version, pack.images.count()) == (VersionStatus.PUBLISHED, 1, 4)
    template = PosterTemplate.objects.get(brand=brand)
    assert template.status == VersionStatus.PUBLISHED
    assert template.default_reference_pack == pack
    assert sorted(template.text_slots.values_list("key", flat=True)) == ["mood", "product"]
    campaign = Campaign.objects.get(brand=brand)
    assert campaign.owner.username == "demo-marketer"
    assert dict(brand.memberships.values_list("user__username", "role")) == {
        "demo-admin": MembershipRole.ADMIN,
        "demo-marketer": MembershipRole.MARKETER,
        "demo-reviewer": MembershipRole.REVIEWER,
    }
    admin_user = get_user_model().objects.get(username="demo-admin")
    assert admin_user.is_staff
    assert not admin_user.is_superuser
    assert admin_user.check_password("demo-admin-pass")
    assert not get_user_model().objects.get(username="demo-marketer").is_staff
    assert "demo-admin / demo-admin-pass" in output.getvalue()
    assert counts() == {
        "Brand": 1,
        "BrandColor": 5,
        "BrandFont": 2,
        "BrandLogo": 1,
        "ReferencePack": 1,
        "ReferenceImage": 4,
        "PosterTemplate": 1,
        "TemplateTextSlot": 2,
        "Campaign": 1,
        "Membership": 3,
        "User": 3,
    }


def test_load_demo_run_twice_changes_nothing(debug_on) -> None:
    call_command("load_demo", "--quiet-logins", stdout=StringIO())
    before = counts()
    output = StringIO()
    call_command("load_demo", "--quiet-logins", stdout=output)
    assert counts() == before
    assert "demo-admin-pass" not in output.getvalue()


def test_load_demo_refuses_to_run_with_debug_off(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG on"):
        call_command("load_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()
    assert not Brand.objects.exists()
