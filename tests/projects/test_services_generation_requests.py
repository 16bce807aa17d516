"""Requesting generations: every rule refuses with a message for the user, and a refused request
saves nothing and sends nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from brandkit.choices import BrandStatus, MembershipRole
from brandkit.services.reference_packs import reference_pack_add_image, reference_pack_publish
from projects.choices import GenerationStatus
from projects.exceptions import BudgetExceeded, GenerationRefused
from projects.models import Generation, GenerationBatch
from projects.services.campaigns import campaign_create
from projects.services.generation_requests import payload_digest
from tests.factories import (
    brand_with_admin,
    draft_pack,
    draft_template,
    image_bytes,
    member,
    published_pack,
)
from tests.projects.generation_support import ask

pytestmark = pytest.mark.django_db

Refusal = Callable[..., Any]


@pytest.fixture
def refused(django_capture_on_commit_callbacks: Any) -> Iterator[Refusal]:
    """Ask and expect a refusal: returns the error, after checking nothing was saved or sent."""

    def check(studio: Any, error: type[Exception] = GenerationRefused, **fields: Any) -> Any:
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(error) as caught:
            ask(studio, **fields)
        assert callbacks == []  # no job
        assert Generation.objects.count() == 0
        assert GenerationBatch.objects.count() == 0
        return caught.value

    yield check


def test_a_valid_request_saves_queued_generations_and_enqueues_after_commit(
    studio: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        generations = ask(studio, provider="local", variants=3, reference_pack_id=studio.pack.pk)
    assert len(callbacks) == 3  # one job per variant, sent only once the rows are committed
    assert GenerationBatch.objects.count() == 1
    for generation in generations:
        assert generation.status == GenerationStatus.QUEUED
        assert generation.batch_id == generations[0].batch_id
        assert generation.payload_sha256 == payload_digest(generation.payload)
        assert generation.max_attempts == settings.GENERATION_MAX_ATTEMPTS
    assert len({generation.payload["seed"] for generation in generations}) == 3


def test_forbidden_terms_are_refused(refused: Refusal, studio: Any) -> None:
    brand, _admin = brand_with_admin(
        name="Strict",
        slug="strict",
        status=BrandStatus.PUBLISHED,
        forbidden_terms="cheap\nfree gift",
    )
    marketer = member(brand, MembershipRole.MARKETER, username="strict-marketer")
    studio.campaign = campaign_create(
        brand=brand, owner=marketer, name="Launch", budget=Decimal("5.00")
    )
    error = refused(studio, user=marketer, prompt="A CHEAP bottle with a Free Gift", variants=2)
    assert error.message == "Strict does not allow these terms: cheap, free gift."
    assert error.field == "prompt"


def test_an_unpublished_template_is_refused(refused: Refusal, studio: Any) -> None:
    template = draft_template(studio.brand, name="Summer poster")
    error = refused(studio, poster_template_id=template.pk, slot_values={"product": "tea"})
    assert error.message == "Pick a published poster template of this brand."
    assert error.field == "poster_template"


def test_an_unpublished_pack_is_refused(refused: Refusal, studio: Any) -> None:
    pack = draft_pack(studio.brand, name="Unfinished shots", images=1)
    error = refused(studio, reference_pack_id=pack.pk)
    assert error.message == "Pick a published reference pack of this brand."
    assert error.field == "reference_pack"


def test_a_slot_value_over_its_max_characters_is_refused(refused: Refusal, studio: Any) -> None:
    error = refused(
        studio,
        prompt="",
        poster_template_id=studio.template.pk,
        slot_values={"product": "x" * 61},
    )
    assert error.message == "“Product” has 61 characters; the template allows 60."
    assert error.field == "slot_product"


def test_fifteen_references_are_refused_naming_the_model_and_limit(
    refused: Refusal, studio: Any, provider_settings: Any, fake_provider: Any
) -> None:
    full_pack = published_pack(studio.brand, studio.admin, name="Full pack", images=10)
    extra = draft_pack(studio.brand, name="Extra")
    images = [reference_pack_add_image(pack=extra, data=image_bytes(42 + i)) for i in range(5)]
    reference_pack_publish(pack=extra, user=studio.admin)
    error = refused(
        studio,
        provider="ark",
        reference_pack_id=full_pack.pk,
        reference_image_ids=tuple(image.pk for image in images),
    )
    assert error.message == "15 reference images given; Seedream 4.0 takes at most 14"
    assert error.field == "reference_images"
    assert fake_provider.posts() == []


def test_only_marketers_and_admins_may_generate(refused: Refusal, studio: Any) -> None:
    error = refused(studio, user=studio.reviewer)
    assert error.message == "Only marketers and admins of Acme can generate."


def test_a_draft_brand_is_refused(refused: Refusal, studio: Any) -> None:
    brand, _admin = brand_with_admin(name="Beta", slug="beta")
    assert brand.status == BrandStatus.DRAFT
    marketer = member(brand, MembershipRole.MARKETER, username="beta-marketer")
    studio.campaign = campaign_create(brand=brand, owner=marketer, name="Teaser")
    error = refused(studio, user=marketer)
    assert error.message == "Beta is a draft brand; publish it first."


def test_budget_refusal_comes_before_anything_is_saved_or_sent(
    refused: Refusal, studio: Any, provider_settings: Any, fake_provider: Any
) -> None:
    provider_settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "3.00"}
    error = refused(studio, BudgetExceeded, provider="ark", variants=2)
    assert error.message == (
        "This request may cost $6.00; the campaign has $0.00 spent or reserved of its $5.00 "
        "budget. Raise the budget or ask for fewer images."
    )
    assert error.field == "variants"
    assert fake_provider.posts() == []


def test_budget_counts_what_queued_generations_may_still_cost(
    studio: Any, provider_settings: Any, fake_provider: Any
) -> None:
    provider_settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "3.00"}
    [queued] = ask(studio, provider="ark")
    with pytest.raises(BudgetExceeded, match=r"has \$3\.00 spent or reserved"):
        ask(studio, provider="ark")
    assert list(Generation.objects.values_list("pk", flat=True)) == [queued.pk]
    assert fake_provider.posts() == []
