"""Poster template services: drafts, publish checks, immutability and version n + 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandkit.choices import FontRole, LogoVariant, TextAlignment, TextRendering, VersionStatus
from brandkit.exceptions import ImmutableVersion, InvalidTemplate
from brandkit.models import PosterTemplate
from brandkit.services.poster_templates import (
    EDITABLE_FIELDS,
    SLOT_FIELDS,
    poster_template_archive,
    poster_template_create,
    poster_template_new_version,
    poster_template_publish,
    poster_template_set_slot,
    poster_template_update,
    prompt_variables,
)
from tests.factories import brand_with_admin, draft_pack, draft_template, published_pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand_and_admin(media_root: Path):
    return brand_with_admin(name="Northwind Coffee", slug="northwind")


@pytest.fixture
def brand(brand_and_admin):
    return brand_and_admin[0]


@pytest.fixture
def admin_user(brand_and_admin):
    return brand_and_admin[1]


def publish_problem(template: PosterTemplate, user) -> str:
    with pytest.raises(InvalidTemplate) as caught:
        poster_template_publish(template=template, user=user)
    template.refresh_from_db()
    assert template.status == VersionStatus.DRAFT
    return caught.value.message


def test_poster_template_create_starts_version_one_as_a_draft(brand) -> None:
    template = poster_template_create(
        brand=brand, name="Launch poster", prompt_template="A {product} on a counter"
    )
    assert (template.version, template.status, template.is_editable) == (1, "draft", True)
    assert (template.canvas_width, template.canvas_height) == (2048, 2048)
    assert prompt_variables(template.prompt_template) == ["product"]


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("A {product on a counter", "The prompt template has unbalanced braces"),
        ("A product} on a counter", "The prompt template has unbalanced braces"),
        ("A {} on a counter", "{} is not a valid slot name"),
        ("A {product-name} poster", "{product-name} is not a valid slot name"),
        ("A {0} poster", "{0} is not a valid slot name"),
    ],
)
def test_poster_template_create_refuses_malformed_braces(brand, prompt: str, message: str) -> None:
    with pytest.raises(InvalidTemplate) as caught:
        poster_template_create(brand=brand, name="Broken", prompt_template=prompt)
    assert caught.value.message.startswith(message)
    assert not PosterTemplate.objects.filter(name="Broken").exists()


def test_poster_template_update_refuses_malformed_braces_and_keeps_the_prompt(brand) -> None:
    template = draft_template(brand)
    with pytest.raises(InvalidTemplate, match="unbalanced braces"):
        poster_template_update(template=template, prompt_template="A {product")
    template.refresh_from_db()
    assert template.prompt_template == "A poster of {product}"


def test_poster_template_update_refuses_fields_that_are_not_editable(brand) -> None:
    template = draft_template(brand)
    with pytest.raises(InvalidTemplate) as caught:
        poster_template_update(template=template, name="Renamed", version=9)
    assert caught.value.message == "These fields cannot be edited: name, version."


def test_poster_template_publish_refuses_a_prompt_variable_without_a_slot(
    brand, admin_user
) -> None:
    template = draft_template(brand)
    poster_template_update(template=template, prompt_template="{product} in a {mood} mood")
    assert publish_problem(template, admin_user) == (
        "The prompt uses {mood} but no text slot has that key."
    )


def test_poster_template_publish_refuses_a_slot_outside_the_canvas(brand, admin_user) -> None:
    template = draft_template(brand)
    poster_template_set_slot(template=template, key="product", box_x=600, box_width=500)
    assert publish_problem(template, admin_user) == (
        "Text slot 'product' reaches outside the 1000x1000 canvas."
    )


def test_poster_template_publish_refuses_an_incomplete_logo_box(brand, admin_user) -> None:
    template = draft_template(brand)
    poster_template_update(
        template=template, logo_variant=LogoVariant.PRIMARY, logo_box_x=10, logo_box_y=10
    )
    assert publish_problem(template, admin_user) == (
        "A logo variant is chosen but the logo box is incomplete."
    )


def test_poster_template_publish_refuses_a_logo_box_outside_the_canvas(brand, admin_user) -> None:
    template = draft_template(brand)
    poster_template_update(
        template=template,
        logo_variant=LogoVariant.PRIMARY,
        logo_box_x=900,
        logo_box_y=10,
        logo_box_width=200,
        logo_box_height=100,
    )
    assert publish_problem(template, admin_user) == "The logo box reaches outside the canvas."


def test_poster_template_publish_refuses_an_unpublished_default_pack(brand, admin_user) -> None:
    template = draft_template(brand)
    poster_template_update(template=template, default_reference_pack=draft_pack(brand, images=1))
    assert publish_problem(template, admin_user) == (
        "The default reference pack must be a published pack of the same brand."
    )


def test_poster_template_publish_refuses_a_default_pack_of_another_brand(brand, admin_user) -> None:
    other_brand, other_admin = brand_with_admin(name="Bravo Bakery", slug="bravo")
    template = draft_template(brand)
    poster_template_update(
        template=template, default_reference_pack=published_pack(other_brand, other_admin)
    )
    assert publish_problem(template, admin_user) == (
        "The default reference pack must be a published pack of the same brand."
    )


def test_poster_template_publish_refuses_malformed_export_sizes(brand, admin_user) -> None:
    template = draft_template(brand)
    poster_template_update(template=template, export_sizes=[{"name": "Story", "width": 1080}])
    assert publish_problem(template, admin_user) == (
        'Each export size needs "name", "width" and "height".'
    )


def test_poster_template_publish_refuses_malformed_braces_saved_outside_the_services(
    brand, admin_user
) -> None:
    template = draft_template(brand)
    PosterTemplate.objects.filter(pk=template.pk).update(prompt_template="A {product")
    assert publish_problem(template, admin_user).startswith(
        "The prompt template has unbalanced braces"
    )


def test_poster_template_publish_lists_every_problem_at_once(brand, admin_user) -> None:
    template = draft_template(brand)
    poster_template_update(
        template=template, prompt_template="{product} {mood}", logo_variant=LogoVariant.ICON
    )
    poster_template_set_slot(template=template, key="product", box_y=950)
    problem = publish_problem(template, admin_user)
    assert "{mood}" in problem
    assert "reaches outside" in problem
    assert "logo box is incomplete" in problem


def test_poster_template_publish_freezes_a_template_that_fits_together(brand, admin_user) -> None:
    template = draft_template(brand, slot_keys=("product", "mood"))
    poster_template_update(
        template=template,
        default_reference_pack=published_pack(brand, admin_user),
        logo_variant=LogoVariant.PRIMARY,
        logo_box_x=800,
        logo_box_y=800,
        logo_box_width=200,
        logo_box_height=200,
        export_sizes=[{"name": "Story", "width": 1080, "height": 1920}],
    )
    published = poster_template_publish(template=template, user=admin_user)
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == admin_user
    assert published.published_at is not None


def test_published_poster_template_refuses_update_and_set_slot(brand, admin_user) -> None:
    template = poster_template_publish(template=draft_template(brand), user=admin_user)
    before = PosterTemplate.objects.filter(pk=template.pk).values().get()
    slots_before = list(template.text_slots.values())
    message = "Launch poster v1 is published and cannot change; create a new version to edit it."
    with pytest.raises(ImmutableVersion) as caught:
        poster_template_update(template=template, description="Changed")
    assert caught.value.message == message
    with pytest.raises(ImmutableVersion):
        poster_template_set_slot(template=template, key="product", label="Changed")
    with pytest.raises(ImmutableVersion):
        poster_template_set_slot(template=template, key="extra", label="New", box_x=0)
    assert PosterTemplate.objects.filter(pk=template.pk).values().get() == before
    assert list(template.text_slots.values()) == slots_before


def test_poster_template_new_version_copies_fields_and_slots_into_n_plus_1(
    brand, admin_user
) -> None:
    template = draft_template(brand, slot_keys=("product", "mood"))
    poster_template_update(
        template=template,
        description="Spring launch",
        text_rendering=TextRendering.PROMPT,
        export_sizes=[{"name": "Story", "width": 1080, "height": 1920}],
        default_reference_pack=published_pack(brand, admin_user),
    )
    poster_template_set_slot(
        template=template,
        key="mood",
        font_role=FontRole.BODY,
        alignment=TextAlignment.CENTER,
        max_characters=30,
    )
    published = poster_template_publish(template=template, user=admin_user)
    draft = poster_template_new_version(template=published)
    assert (draft.version, draft.status, draft.derived_from) == (2, "draft", published)
    assert (draft.brand, draft.name) == (published.brand, published.name)
    assert draft.published_at is None
    for name in EDITABLE_FIELDS:
        assert getattr(draft, name) == getattr(published, name), name

    def slots(version: PosterTemplate) -> list[tuple]:
        return list(version.text_slots.order_by("position").values_list(*SLOT_FIELDS))

    assert slots(draft) == slots(published)
    assert poster_template_new_version(template=published) == draft
    poster_template_set_slot(template=draft, key="mood", max_characters=45)
    assert published.text_slots.get(key="mood").max_characters == 30


def test_poster_template_archive_follows_the_transitions(brand, admin_user) -> None:
    from brandkit.exceptions import InvalidTransition

    template = draft_template(brand)
    with pytest.raises(InvalidTransition):
        poster_template_archive(template=template)
    published = poster_template_publish(template=template, user=admin_user)
    assert poster_template_archive(template=published).status == VersionStatus.ARCHIVED


def test_poster_template_publish_refuses_a_prompt_slot_the_prompt_does_not_use(
    brand, admin_user
) -> None:
    template = draft_template(brand)
    poster_template_set_slot(
        template=template,
        key="tagline",
        label="Tagline",
        rendering=TextRendering.PROMPT,
        box_x=100,
        box_y=700,
        box_width=800,
        box_height=100,
    )
    assert publish_problem(template, admin_user) == (
        "Text slot 'tagline' is for the model to render, but the prompt does not use {tagline}."
    )
