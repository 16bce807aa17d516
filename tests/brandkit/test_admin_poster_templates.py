"""Poster templates in the Django admin: refusals are form errors or messages, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from brandkit.choices import VersionStatus
from brandkit.models import PosterTemplate
from tests.brandkit.admin_support import admin_url, form_post_data
from tests.factories import brand_with_admin, draft_template

pytestmark = pytest.mark.django_db
UNBALANCED = (
    "The prompt template has unbalanced braces: expected &#x27;}&#x27; before end of string."
)


@pytest.fixture
def brand_and_admin(media_root: Path):
    return brand_with_admin(name="Northwind Coffee", slug="northwind")


@pytest.fixture
def admin_client(brand_and_admin) -> Client:
    client = Client()
    client.force_login(brand_and_admin[1])
    return client


def test_admin_add_template_refuses_malformed_braces_with_a_form_error(
    brand_and_admin, admin_client: Client
) -> None:
    add_url = reverse("admin:brandkit_postertemplate_add")
    data = form_post_data(admin_client.get(add_url))
    data.update(
        brand=str(brand_and_admin[0].pk), name="Launch poster", prompt_template="A {product"
    )

    response = admin_client.post(add_url, data)

    assert response.status_code == 200
    assert UNBALANCED in response.content.decode()
    assert not PosterTemplate.objects.exists()


def test_admin_add_template_creates_a_draft_version_one(
    brand_and_admin, admin_client: Client
) -> None:
    add_url = reverse("admin:brandkit_postertemplate_add")
    data = form_post_data(admin_client.get(add_url))
    data.update(brand=str(brand_and_admin[0].pk), name="Launch poster", prompt_template="A mug")

    response = admin_client.post(add_url, data)

    assert response.status_code == 302, response.content.decode()
    template = PosterTemplate.objects.get()
    assert (template.version, template.status, template.prompt_template) == (1, "draft", "A mug")


def test_admin_change_template_refuses_malformed_braces_and_keeps_the_prompt(
    brand_and_admin, admin_client: Client
) -> None:
    template = draft_template(brand_and_admin[0])
    data = form_post_data(admin_client.get(admin_url(template)))
    data["prompt_template"] = "A {product"

    response = admin_client.post(admin_url(template), data)

    assert response.status_code == 200
    assert UNBALANCED in response.content.decode()
    template.refresh_from_db()
    assert template.prompt_template == "A poster of {product}"


def test_admin_publish_shows_the_problems_and_keeps_the_draft(
    brand_and_admin, admin_client: Client
) -> None:
    template = draft_template(brand_and_admin[0])
    data = form_post_data(admin_client.get(admin_url(template)))
    data["prompt_template"] = "A poster of {product} in a {mood} mood"
    assert admin_client.post(admin_url(template), data).status_code == 302

    response = admin_client.post(admin_url(template, "publish"), follow=True)

    assert "The prompt uses {mood} but no text slot has that key." in response.content.decode()
    template.refresh_from_db()
    assert template.status == VersionStatus.DRAFT


def test_admin_published_template_is_read_only(brand_and_admin, admin_client: Client) -> None:
    template = draft_template(brand_and_admin[0])
    data = form_post_data(admin_client.get(admin_url(template)))
    admin_client.post(admin_url(template, "publish"))
    template.refresh_from_db()
    assert template.status == VersionStatus.PUBLISHED

    data["prompt_template"] = "Changed after publishing"
    assert admin_client.post(admin_url(template), data).status_code == 403
    template.refresh_from_db()
    assert template.prompt_template == "A poster of {product}"
