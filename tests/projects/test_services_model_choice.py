"""Choosing the model: per request and as the brand default, mapped and unmapped unknown ids,
the price basis recorded, and the model's time limits used by the worker."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from brandkit.models import ModelMapping
from brandkit.services.reference_packs import reference_pack_add_image, reference_pack_publish
from projects.choices import GenerationMode, GenerationStatus
from projects.exceptions import GenerationRefused
from projects.models import Generation
from projects.providers.references import resolve_payload
from projects.references import StoredReferences
from projects.services.generation_runs import generation_deadline, generation_time_limit
from tests.factories import draft_pack
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask, ask_ark

pytestmark = pytest.mark.django_db


def test_a_design_model_gets_a_body_without_group_or_stream_keys(
    studio: Any, provider_settings: Any
) -> None:
    generation = ask_ark(studio, model="seedream-5-5-261028", reference_pack_id=studio.pack.pk)
    assert generation.model == "seedream-5-5-261028"
    assert generation.payload == {
        "model": "seedream-5-5-261028",
        "prompt": generation.prompt,
        "image": generation.payload["image"],
        "size": "2K",
        "response_format": "b64_json",
        "watermark": True,
    }
    assert len(generation.payload["image"]) == 2


def test_the_price_is_per_model_tier_and_reference_and_its_basis_is_recorded(
    studio: Any, provider_settings: Any
) -> None:
    provider_settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "", "local": "0"}
    # 5.5 at 2K: $0.035 per image plus $0.008 for each of the pack's 2 references.
    generation = ask_ark(studio, model="seedream-5-5-261028", reference_pack_id=studio.pack.pk)
    assert generation.estimated_cost == Decimal("0.0510")
    assert generation.parameters["price_basis"] == {
        "model": "seedream-5-5-261028",
        "size": "2K",
        "per_image": "0.035",
        "references": 2,
        "billed_references": 2,
        "per_reference": "0.008",
        "source": "model table",
    }
    # 1K is the lower tier.
    generation = ask_ark(studio, model="seedream-5-5-261028", size="1K")
    assert generation.estimated_cost == Decimal("0.0200")
    # 5.0 Pro: the first reference is free, the second $0.003; 2K is above its 2.36 MP tier.
    generation = ask_ark(
        studio, model="dola-seedream-5-0-pro-260628", reference_pack_id=studio.pack.pk
    )
    assert generation.estimated_cost == Decimal("0.0930")
    # 4.0 group of 3: $0.03 each, references not billed.
    generation = ask_ark(
        studio, mode=GenerationMode.GROUP, group_size=3, reference_pack_id=studio.pack.pk
    )
    assert generation.estimated_cost == Decimal("0.0900")


def test_model_prices_can_be_overridden_in_settings(studio: Any, provider_settings: Any) -> None:
    provider_settings.PROVIDER_PRICE_PER_IMAGE = {"ark": "", "local": "0"}
    provider_settings.BRANDKIT_MODEL_PRICES = {
        "seedream-5-5-261028": {"per_image": "0.05", "per_reference": "0.01"}
    }
    generation = ask_ark(studio, model="seedream-5-5-261028", reference_pack_id=studio.pack.pk)
    assert generation.estimated_cost == Decimal("0.0700")
    assert generation.parameters["price_basis"]["source"] == "BRANDKIT_MODEL_PRICES"


def test_the_brand_default_model_is_used_when_the_request_names_none(
    studio: Any, provider_settings: Any
) -> None:
    studio.brand.default_model = "seedream-4-5-251128"
    studio.brand.save()
    generation = ask_ark(studio)
    assert generation.model == generation.payload["model"] == "seedream-4-5-251128"
    assert ask_ark(studio, model="seedream-5-5-261028").model == "seedream-5-5-261028"


def test_the_model_s_own_refusal_reaches_the_user(studio: Any, provider_settings: Any) -> None:
    with pytest.raises(GenerationRefused) as caught:
        ask(studio, provider="ark", model="seedream-5-5-261028", mode="group", group_size=4)
    assert caught.value.message == (
        "Seedream 5.5 makes one image per request; ask for 4 variants instead"
    )
    with pytest.raises(GenerationRefused) as caught:
        ask(studio, provider="ark", model="seedream-4-5-251128", size="1K")
    assert caught.value.message.startswith("Seedream 4.5 has no 1K size")
    assert Generation.objects.count() == 0


def test_an_unmapped_endpoint_id_is_refused_and_a_brand_mapping_makes_it_work(
    studio: Any, provider_settings: Any
) -> None:
    provider_settings.BRANDKIT_MODEL_MAP = {}
    with pytest.raises(GenerationRefused) as caught:
        ask(studio, provider="ark", model="ep-20261201-acme")
    assert caught.value.field == "model"
    assert "a brand admin adds a model mapping" in caught.value.message
    ModelMapping.objects.create(
        brand=studio.brand, model_id="ep-20261201-acme", maps_to="seedream-5-5-261028"
    )
    generation = ask_ark(studio, model="ep-20261201-acme")
    assert generation.payload["model"] == "ep-20261201-acme"
    assert "sequential_image_generation" not in generation.payload
    assert generation.parameters["price_basis"]["model"] == "seedream-5-5-261028"
    assert generation_time_limit(generation) == 480
    with pytest.raises(GenerationRefused) as caught:
        ask(studio, provider="ark", model="ep-20261201-acme", mode="group", group_size=2)
    assert caught.value.message.startswith("Seedream 5.5 makes one image per request")


def test_the_worker_deadline_follows_the_model(studio: Any, provider_settings: Any) -> None:
    now = timezone.now()
    pro = ask_ark(studio, model="dola-seedream-5-0-pro-260628")
    assert generation_time_limit(pro) == 600
    assert generation_deadline(pro, now=now) == now + timedelta(seconds=660)
    seed = ask_ark(studio)
    assert generation_deadline(seed, now=now) == now + timedelta(seconds=960)
    # A row whose model the table cannot place gets the queue's default.
    Generation.objects.filter(pk=seed.pk).update(model="retired-model")
    seed.refresh_from_db()
    assert generation_time_limit(seed) == provider_settings.RQ_QUEUES["default"]["DEFAULT_TIMEOUT"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("provider", "model_id", "path"),
    [
        ("ark", "seedream-5-5-261028", "/api/v3/images/generations"),
        ("ark", "dola-seedream-5-0-pro-260628", "/api/v3/images/generations"),
        ("openai", "seedream-5-0-flash-260915", "/v1/images/generations"),
        ("fal", "seedream-5-5-261028", "/bytedance/seedream/v5.5/text-to-image"),
        ("fal", "seedream-4-5-251128", "/fal-ai/bytedance/seedream/v4.5/text-to-image"),
    ],
)
def test_every_provider_runs_the_new_models_end_to_end(
    studio: Any,
    rq_settings: Any,
    provider_settings: Any,
    fake_provider: Any,
    provider: str,
    model_id: str,
    path: str,
) -> None:
    [generation] = ask(studio, provider=provider, model=model_id)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
    [post] = fake_provider.posts()
    assert post.path == path
    assert post.json == resolve_payload(generation.payload, StoredReferences())
    assert generation.cost == Decimal(generation.parameters["price_basis"]["per_image"]).quantize(
        Decimal("0.0001")
    )


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 60, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _pack_with(studio: Any, name: str, data: bytes) -> Any:
    pack = draft_pack(studio.brand, name=name)
    reference_pack_add_image(pack=pack, data=data)
    reference_pack_publish(pack=pack, user=studio.admin)
    return pack


def test_stored_references_are_checked_against_the_models_per_file_limits(
    studio: Any, provider_settings: Any
) -> None:
    strip = _pack_with(studio, "Strip", _png(20, 8000))
    with pytest.raises(GenerationRefused) as caught:
        ask(studio, provider="ark", reference_pack_id=strip.pk)
    assert caught.value.field == "reference_images"
    assert caught.value.message == (
        "Reference 1 of Strip is 20x8000 pixels; Seedream 4.0 takes references with aspect "
        "ratios from 1:16 to 16:1"
    )
    wide = _pack_with(studio, "Wide", _png(6400, 400))
    assert ask_ark(studio, reference_pack_id=wide.pk).payload["image"]  # fine for 4.0
    with pytest.raises(GenerationRefused) as caught:
        ask(
            studio,
            provider="ark",
            model="dola-seedream-5-0-pro-260628",
            reference_pack_id=wide.pk,
        )
    assert caught.value.message == (
        "Reference 1 of Wide is 6400x400 pixels; Seedream 5.0 Pro takes references of at most "
        "6000 pixels a side"
    )
