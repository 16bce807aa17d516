"""Per-brand permissions: a member of brand A never sees or changes brand B, admin included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from brandkit.choices import MembershipRole, PackPurpose, VersionStatus
from brandkit.models import Brand, PosterTemplate, ReferencePack
from projects.models import Campaign
from projects.services.campaigns import campaign_create
from tests.brandkit.admin_support import admin_url, form_post_data
from tests.factories import (
    UserFactory,
    brand_with_admin,
    draft_pack,
    draft_template,
    member,
    published_pack,
    published_template,
)

pytestmark = pytest.mark.django_db

# Every name of brand B's content and users contains this word, so one search finds any leak.
SECRET = "Bravo"


def reveals_brand_b(html: str) -> bool:
    return SECRET.lower() in html.lower()


LIBRARY_OBJECTS = (
    "brand",
    "published_pack",
    "draft_pack",
    "published_template",
    "draft_template",
    "campaign",
)


@dataclass
class Library:
    brand: Brand
    admin: Any
    published_pack: ReferencePack
    draft_pack: ReferencePack
    published_template: PosterTemplate
    draft_template: PosterTemplate
    campaign: Campaign


def library(name: str, slug: str) -> Library:
    brand, admin = brand_with_admin(name=f"{name} Coffee", slug=slug)
    return Library(
        brand=brand,
        admin=admin,
        published_pack=published_pack(brand, admin, name=f"{name} bottle pack"),
        draft_pack=draft_pack(brand, name=f"{name} draft pack", images=1),
        published_template=published_template(brand, admin, name=f"{name} launch poster"),
        draft_template=draft_template(brand, name=f"{name} draft poster"),
        campaign=campaign_create(brand=brand, owner=admin, name=f"{name} spring campaign"),
    )


@pytest.fixture
def alpha(media_root: Path) -> Library:
    return library("Alpha", "alpha")


@pytest.fixture
def bravo(media_root: Path) -> Library:
    return library(SECRET, "bravo")


@pytest.fixture
def alpha_marketer(alpha: Library) -> Any:
    return member(alpha.brand, MembershipRole.MARKETER, username="alpha-marketer")


@pytest.fixture
def alpha_reviewer(alpha: Library) -> Any:
    return member(alpha.brand, MembershipRole.REVIEWER, username="alpha-reviewer")


@pytest.fixture
def superuser() -> Any:
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def changelist_url(model: type) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def select_options(html: str, field_name: str) -> list[str]:
    """The labels of a <select name=field_name>'s options, placeholder excluded."""
    match = re.search(rf'<select name="{field_name}"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert match, f"no <select name={field_name!r}> in the page"
    return [
        label.strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match[1])
        if value
    ]


# Member pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "marketer", "reviewer"])
def test_brand_list_shows_only_the_brands_the_user_is_a_member_of(
    alpha: Library, bravo: Library, alpha_marketer: Any, alpha_reviewer: Any, role: str
) -> None:
    user = {"admin": alpha.admin, "marketer": alpha_marketer, "reviewer": alpha_reviewer}[role]
    page = client_for(user).get(reverse("brandkit:brand_list"))
    assert page.status_code == 200
    assert "Alpha Coffee" in page.content.decode()
    assert not reveals_brand_b(page.content.decode())


@pytest.mark.parametrize("role", ["admin", "marketer", "reviewer"])
def test_pages_of_another_brand_answer_404_to_members_of_brand_a(
    alpha: Library, bravo: Library, alpha_marketer: Any, alpha_reviewer: Any, role: str
) -> None:
    user = {"admin": alpha.admin, "marketer": alpha_marketer, "reviewer": alpha_reviewer}[role]
    client = client_for(user)
    for obj in (alpha.brand, alpha.published_pack, alpha.published_template, alpha.campaign):
        assert client.get(obj.get_absolute_url()).status_code == 200, obj
    for obj in (
        bravo.brand,
        bravo.published_pack,
        bravo.draft_pack,
        bravo.published_template,
        bravo.campaign,
    ):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 404, obj
        assert not reveals_brand_b(response.content.decode())


def test_member_pages_need_a_login(alpha: Library) -> None:
    response = Client().get(alpha.brand.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_superuser_sees_every_brand_on_the_member_pages(
    alpha: Library, bravo: Library, superuser: Any
) -> None:
    client = client_for(superuser)
    page = client.get(reverse("brandkit:brand_list")).content.decode()
    assert "Alpha Coffee" in page
    assert "Bravo Coffee" in page
    assert client.get(bravo.published_pack.get_absolute_url()).status_code == 200


# The Django admin --------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Brand, ReferencePack, PosterTemplate, Campaign])
def test_admin_changelists_show_a_brand_admin_only_their_brand(
    alpha: Library, bravo: Library, model: type
) -> None:
    page = client_for(alpha.admin).get(changelist_url(model))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha" in html
    assert not reveals_brand_b(html)


def test_admin_index_lists_the_brand_library_but_not_other_apps(alpha: Library) -> None:
    page = client_for(alpha.admin).get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert changelist_url(ReferencePack) in html
    assert reverse("admin:auth_user_changelist") not in html


@pytest.mark.parametrize("action", ["change", "delete", "history"])
def test_admin_object_pages_of_another_brand_reveal_nothing(
    alpha: Library, bravo: Library, action: str
) -> None:
    client = client_for(alpha.admin)
    for attribute in LIBRARY_OBJECTS:
        obj = getattr(bravo, attribute)
        response = client.get(admin_url(obj, action))
        # Django's admin answers an object outside get_queryset() like a missing one.
        assert response.status_code in (302, 404), attribute
        if response.status_code == 302:
            assert response["Location"] == reverse("admin:index"), attribute
        followed = client.get(admin_url(obj, action), follow=True)
        assert not reveals_brand_b(followed.content.decode()), attribute
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_admin_post_to_another_brands_objects_changes_nothing(
    alpha: Library, bravo: Library
) -> None:
    client = client_for(alpha.admin)
    brand_before = Brand.objects.filter(pk=bravo.brand.pk).values().get()
    client.post(
        admin_url(bravo.brand, "change"),
        {"name": "Taken over", "slug": "bravo", "status": "draft", "default_provider": "local"},
    )
    client.post(admin_url(bravo.brand, "delete"), {"post": "yes"})
    client.post(
        admin_url(bravo.draft_pack, "change"),
        {"purpose": PackPurpose.STYLE, "description": "Taken over"},
    )
    client.post(admin_url(bravo.draft_pack, "delete"), {"post": "yes"})
    client.post(admin_url(bravo.draft_template, "change"), {"prompt_template": "Taken over"})
    client.post(admin_url(bravo.campaign, "change"), {"name": "Taken over"})
    client.post(admin_url(bravo.campaign, "delete"), {"post": "yes"})
    assert Brand.objects.filter(pk=bravo.brand.pk).values().get() == brand_before
    bravo.draft_pack.refresh_from_db()
    assert bravo.draft_pack.description == ""
    bravo.draft_template.refresh_from_db()
    assert bravo.draft_template.prompt_template.startswith("A poster of")
    bravo.campaign.refresh_from_db()
    assert bravo.campaign.name == "Bravo spring campaign"


def test_admin_changelist_actions_cannot_reach_another_brands_drafts(
    alpha: Library, bravo: Library
) -> None:
    client = client_for(alpha.admin)
    for model, draft in ((ReferencePack, bravo.draft_pack), (PosterTemplate, bravo.draft_template)):
        client.post(
            changelist_url(model),
            {"action": "publish_selected", "_selected_action": [draft.pk], "index": 0},
        )
        draft.refresh_from_db()
        assert draft.status == VersionStatus.DRAFT


@pytest.mark.parametrize("action", ["publish", "new_version"])
def test_admin_publish_and_new_version_urls_of_another_brand_answer_404(
    alpha: Library, bravo: Library, action: str
) -> None:
    client = client_for(alpha.admin)
    for obj in (bravo.published_pack, bravo.draft_pack, bravo.draft_template):
        status_before = obj.status
        versions_before = type(obj).objects.filter(brand=bravo.brand).count()
        assert client.post(admin_url(obj, action)).status_code == 404, obj
        assert client.get(admin_url(obj, action)).status_code == 404, obj
        obj.refresh_from_db()
        assert obj.status == status_before
        assert type(obj).objects.filter(brand=bravo.brand).count() == versions_before


def test_admin_publish_and_new_version_work_on_the_admins_own_brand(alpha: Library) -> None:
    client = client_for(alpha.admin)
    client.post(admin_url(alpha.draft_pack, "publish"))
    alpha.draft_pack.refresh_from_db()
    assert alpha.draft_pack.status == VersionStatus.PUBLISHED
    response = client.post(admin_url(alpha.published_template, "new_version"))
    draft = PosterTemplate.objects.get(name=alpha.published_template.name, version=2)
    assert response["Location"] == admin_url(draft, "change")


@pytest.mark.parametrize(
    ("model", "field_name"),
    [
        (ReferencePack, "brand"),
        (PosterTemplate, "brand"),
        (PosterTemplate, "default_reference_pack"),
        (Campaign, "brand"),
    ],
)
def test_admin_add_forms_offer_only_the_admins_brand(
    alpha: Library, bravo: Library, model: type, field_name: str
) -> None:
    add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    page = client_for(alpha.admin).get(add_url)
    assert page.status_code == 200
    options = select_options(page.content.decode(), field_name)
    assert options
    assert not any(reveals_brand_b(option) for option in options), options
    assert not reveals_brand_b(page.content.decode())


def test_admin_campaign_owner_choices_are_the_admins_brand_marketers_and_admins(
    alpha: Library, bravo: Library, alpha_marketer: Any, alpha_reviewer: Any
) -> None:
    page = client_for(alpha.admin).get(reverse("admin:projects_campaign_add"))
    assert sorted(select_options(page.content.decode(), "owner")) == [
        "alpha-admin",
        "alpha-marketer",
    ]


def test_admin_campaign_owner_must_be_a_marketer_or_admin_of_its_brand(
    alpha: Library, bravo: Library, superuser: Any
) -> None:
    client = client_for(superuser)
    add_url = reverse("admin:projects_campaign_add")
    data = form_post_data(client.get(add_url))
    data.update(name="Borrowed owner", brand=str(alpha.brand.pk), owner=str(bravo.admin.pk))

    response = client.post(add_url, data)

    assert response.status_code == 200
    assert "bravo-admin is not a marketer or admin of Alpha Coffee." in response.content.decode()
    assert not Campaign.objects.filter(name="Borrowed owner").exists()


def test_admin_add_form_refuses_another_brand_posted_by_hand(
    alpha: Library, bravo: Library
) -> None:
    response = client_for(alpha.admin).post(
        reverse("admin:brandkit_referencepack_add"),
        {
            "brand": bravo.brand.pk,
            "name": "Smuggled pack",
            "purpose": PackPurpose.STYLE,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "10",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ReferencePack.objects.filter(name="Smuggled pack").exists()


def test_marketer_without_staff_cannot_enter_the_admin(alpha: Library, alpha_marketer: Any) -> None:
    client = client_for(alpha_marketer)
    for url in (reverse("admin:index"), changelist_url(ReferencePack)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_marketer_without_an_admin_role_sees_no_brand_in_the_admin(
    alpha: Library, bravo: Library
) -> None:
    staff_marketer = member(
        alpha.brand, MembershipRole.MARKETER, username="staff-marketer", is_staff=True
    )
    client = client_for(staff_marketer)
    assert client.get(changelist_url(ReferencePack)).status_code == 403
    assert client.get(admin_url(alpha.draft_pack, "change")).status_code in (302, 403)
    alpha.draft_pack.refresh_from_db()
    assert alpha.draft_pack.status == VersionStatus.DRAFT


@pytest.mark.parametrize("model", [Brand, ReferencePack, PosterTemplate, Campaign])
def test_superuser_sees_both_brands_in_the_admin(
    alpha: Library, bravo: Library, superuser: Any, model: type
) -> None:
    html = client_for(superuser).get(changelist_url(model)).content.decode()
    assert "Alpha" in html
    assert SECRET in html


def test_brand_b_admin_sees_only_brand_b(alpha: Library, bravo: Library) -> None:
    client = client_for(bravo.admin)
    html = client.get(changelist_url(ReferencePack)).content.decode()
    assert SECRET in html
    assert "Alpha" not in html
    assert client.get(alpha.brand.get_absolute_url()).status_code == 404


def test_queue_dashboard_is_closed_to_brand_admins(alpha: Library) -> None:
    client = client_for(alpha.admin)
    response = client.get("/django-rq/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get("/django-rq/queues/0/").status_code == 302
    assert client.get("/admin/django_rq/dashboard/").status_code == 404


@pytest.mark.redis
def test_queue_dashboard_opens_for_superusers(
    superuser: Any, settings: Any, redis_url: str
) -> None:
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    response = client_for(superuser).get("/django-rq/")
    assert response.status_code == 200
    assert "default" in response.content.decode()


@pytest.mark.redis
def test_queue_stats_api_answers_superusers_and_the_token_only(
    alpha: Library, superuser: Any, settings: Any, redis_url: str
) -> None:
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.RQ_API_TOKEN = "monitoring-token-123"
    url = "/django-rq/stats.json"

    assert client_for(alpha.admin).get(url).status_code == 401
    assert Client().get(url).status_code == 401
    assert client_for(superuser).get(url).status_code == 200
    bearer = Client().get(url, HTTP_AUTHORIZATION="Bearer monitoring-token-123")
    assert bearer.status_code == 200
    assert "queues" in bearer.json()


@pytest.mark.parametrize("name", LIBRARY_OBJECTS)
def test_view_on_site_shortcut_of_another_brand_is_404(
    alpha: Library, bravo: Library, name: str
) -> None:
    from django.contrib.contenttypes.models import ContentType

    obj = getattr(bravo, name)
    url = f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"

    assert client_for(alpha.admin).get(url).status_code == 404
    own = getattr(alpha, name)
    own_url = f"/admin/r/{ContentType.objects.get_for_model(own).pk}/{own.pk}/"
    assert client_for(alpha.admin).get(own_url).status_code == 302


def test_view_on_site_shortcut_still_works_for_superusers(bravo: Library, superuser: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    url = f"/admin/r/{ContentType.objects.get_for_model(bravo.brand).pk}/{bravo.brand.pk}/"
    response = client_for(superuser).get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(bravo.brand.get_absolute_url())


def test_membership_inline_names_members_by_username_and_lists_no_other_accounts(
    alpha: Library, bravo: Library
) -> None:
    from brandkit.models import Membership
    from tests.brandkit.admin_support import add_inline_row, inline_prefix

    newcomer = UserFactory(username="alpha-newcomer")
    client = client_for(alpha.admin)
    page = client.get(admin_url(alpha.brand))
    assert not reveals_brand_b(page.content.decode())  # bravo-admin is not offered

    data = form_post_data(page)
    prefix = inline_prefix(page, Membership)
    add_inline_row(data, prefix, username="no-such-person", role=MembershipRole.VIEWER)
    refused = client.post(admin_url(alpha.brand), data)
    assert refused.status_code == 200
    assert "No active account has this username" in refused.content.decode()
    assert not Membership.objects.filter(brand=alpha.brand, role=MembershipRole.VIEWER).exists()

    data[f"{prefix}-{int(data[f'{prefix}-TOTAL_FORMS']) - 1}-username"] = newcomer.username
    assert client.post(admin_url(alpha.brand), data).status_code == 302
    assert Membership.objects.get(brand=alpha.brand, user=newcomer).role == MembershipRole.VIEWER
