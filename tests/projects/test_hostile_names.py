"""Hostile text in every name-like field of every model: every admin list and page still renders,
escaped, and a NUL typed into a form is a form error, not a crash."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from brandkit.models import BrandColor
from tests.brandkit.admin_support import admin_url, form_post_data
from tests.factories import UserFactory
from tests.projects.review_support import inline_queue  # noqa: F401
from tests.projects.test_authorization_matrix import ROUTES, build_world, path_of

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]

NAME_FIELDS = {"name", "label", "caption", "title", "family", "style"}
SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "braces": "{0} {name} {{ }} {0!r:>99999} %s %(name)s",
    "html": f'"><img src=x onerror=alert(1)>{SCRIPT}',
    "rtl": "\u202eevil\u202c \u200f\u05e9\u05dc\u05d5\u05dd",
    "long": "W" * 5000,
}


def name_fields() -> list[tuple[type[models.Model], str, int]]:
    """(model, field, max_length) of every name-like text field in the app's models."""
    found = []
    for app_label in ("brandkit", "projects"):
        for model in apps.get_app_config(app_label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField | models.TextField) and (
                    field.name in NAME_FIELDS
                ):
                    found.append((model, field.name, field.max_length or 10_000))
    return found


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin_site_registry():
        if model._meta.app_label not in ("brandkit", "projects"):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        for obj in model._default_manager.all()[:3]:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return pages


def admin_site_registry() -> dict[type[models.Model], Any]:
    from django.contrib import admin

    return admin.site._registry


def body_of(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("sample", HOSTILE, ids=list(HOSTILE))
def test_hostile_names_render_escaped_on_every_admin_and_app_page(
    sample: str, media_root: Any
) -> None:
    world = build_world("Acme", "acme")
    BrandColor.objects.create(brand=world.brand, name="Ink", hex="#112233", role="primary")
    fields = name_fields()
    assert len(fields) >= 6, fields
    text = HOSTILE[sample]
    for model, field, max_length in fields:
        # A raw UPDATE: this is about what pages do with stored text, however it got there. Each
        # row gets its own suffix so unique names stay unique.
        for pk in model._base_manager.values_list("pk", flat=True):
            suffix = f" #{pk}"
            value = text[: max_length - len(suffix)] + suffix
            model._base_manager.filter(pk=pk).update(**{field: value})
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    # Each page with the status the matrix expects for a superuser (exports of a world without
    # an approved version are 404 by design).
    pages = [(page, 200) for page in admin_pages()] + [
        (path_of(route, world), route.expected[-1])
        for route in ROUTES
        if route.method == "GET" and route.name not in {"media_file", "view_on_site", "login"}
    ]
    failures = []
    for page, expected in pages:
        response = client.get(page)
        if response.status_code not in (expected, 302):
            failures.append(f"{page}: {response.status_code}")
        elif response.get("Content-Type", "").startswith("text/html") and SCRIPT in body_of(
            response
        ):
            failures.append(f"{page}: unescaped HTML")
    assert not failures, "\n".join(failures)


def test_a_nul_typed_into_an_admin_name_is_a_form_error(media_root: Any) -> None:
    world = build_world("Acme", "acme")
    client = Client()
    client.force_login(world.admin)
    data = form_post_data(client.get(admin_url(world.brand)))
    data["name"] = "Acme\x00 Coffee"

    response = client.post(admin_url(world.brand), data)

    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    world.brand.refresh_from_db()
    assert world.brand.name == "Acme"
