"""The template designer: save a draft, live preview with the real compositor, refusal naming the
slot, publish freezes, editing a published template makes version n + 1; admins only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from brandkit.choices import MembershipRole, VersionStatus
from brandkit.models import PosterTemplate
from brandkit.services.poster_templates import poster_template_new_version
from tests.factories import brand_with_admin, member
from tests.projects.poster_support import poster_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    brand, admin = brand_with_admin(name="Acme", slug="acme")
    published = poster_template(brand, admin)
    draft = poster_template_new_version(template=published)
    return brand, admin, published, draft


def post_data(template: PosterTemplate, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "prompt_template": template.prompt_template,
        "text_rendering": template.text_rendering,
        "canvas_width": template.canvas_width,
        "canvas_height": template.canvas_height,
        "safe_inset": template.safe_inset,
        "focal_x": template.focal_x,
        "focal_y": template.focal_y,
        "logo_variant": template.logo_variant,
        "logo_box_x": template.logo_box_x,
        "logo_box_y": template.logo_box_y,
        "logo_box_width": template.logo_box_width,
        "logo_box_height": template.logo_box_height,
        "logo_anchor": template.logo_anchor,
        "export_sizes": "Square, 1080, 1080\nStory, 1080, 1920",
        "preview_version": "",
    }
    slots = list(template.text_slots.all())
    data.update(
        {
            "slot-TOTAL_FORMS": len(slots),
            "slot-INITIAL_FORMS": len(slots),
            "slot-MIN_NUM_FORMS": 0,
            "slot-MAX_NUM_FORMS": 30,
        }
    )
    for index, slot in enumerate(slots):
        for name in (
            "key", "label", "rendering", "box_x", "box_y", "box_width", "box_height",
            "font_role", "color_role", "alignment", "min_font_size", "max_font_size",
            "max_characters", "max_lines",
        ):  # fmt: skip
            data[f"slot-{index}-{name}"] = getattr(slot, name)
        data[f"slot-{index}-sample"] = slot.label
    data.update(changes)
    return data


def test_preview_draws_the_unsaved_design(client: Any, setup: Any) -> None:
    _brand, admin, _published, draft = setup
    client.force_login(admin)
    response = client.post(
        f"/templates/{draft.pk}/design/preview.png",
        post_data(draft, canvas_width=1600, canvas_height=900, **{"slot-1-sample": "Big sale"}),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (800, 450)  # the unsaved 1600x900 canvas, scaled to 800 px wide


def test_preview_refuses_text_that_cannot_fit_naming_the_slot(client: Any, setup: Any) -> None:
    _brand, admin, _published, draft = setup
    client.force_login(admin)
    response = client.post(
        f"/templates/{draft.pk}/design/preview.png",
        post_data(draft, **{"slot-1-sample": "W" * 80}),
    )
    assert response.status_code == 422
    assert response.json()["slot"] == "headline"
    assert "Headline" in response.json()["errors"][0]


def test_save_changes_slots_and_presets_then_publish_freezes(client: Any, setup: Any) -> None:
    _brand, admin, _published, draft = setup
    client.force_login(admin)
    data = post_data(draft, safe_inset=64, **{"slot-0-DELETE": "on", "slot-1-max_lines": 1})
    response = client.post(f"/templates/{draft.pk}/design/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.safe_inset == 64
    assert [s.key for s in draft.text_slots.all()] == ["headline"]
    assert draft.text_slots.get().max_lines == 1
    assert draft.export_sizes[1] == {"name": "Story", "width": 1080, "height": 1920}
    # Publishing fails while the prompt uses {product} and no slot has that key.
    client.post(f"/templates/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    client.post(f"/templates/{draft.pk}/design/", post_data(draft, prompt_template="A photo"))
    client.post(f"/templates/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert client.post(f"/templates/{draft.pk}/design/", post_data(draft)).status_code == 403
    response = client.post(f"/templates/{draft.pk}/new-version/")
    new = PosterTemplate.objects.get(name=draft.name, version=draft.version + 1)
    assert response["Location"].endswith(f"/templates/{new.pk}/design/")


def test_designer_is_for_brand_admins_only(client: Any, setup: Any, django_user_model: Any) -> None:
    brand, _admin, _published, draft = setup
    marketer = member(brand, MembershipRole.MARKETER, username="m")
    client.force_login(marketer)
    assert client.get(f"/templates/{draft.pk}/design/").status_code == 403
    assert client.post(f"/templates/{draft.pk}/design/preview.png", {}).status_code == 403
    stranger = django_user_model.objects.create_user("stranger", password="x")
    client.force_login(stranger)
    assert client.get(f"/templates/{draft.pk}/design/").status_code == 404
    assert client.post(f"/templates/{draft.pk}/publish/").status_code == 404


def test_admin_starts_a_template_from_the_brand_page(
    client: Any, setup: Any, django_user_model: Any
) -> None:
    brand, admin, _published, _draft = setup
    client.force_login(admin)
    assert "New poster template" in client.get(brand.get_absolute_url()).content.decode()
    url = f"/brands/{brand.slug}/templates/new/"
    response = client.post(url, {"name": "Story ad", "prompt_template": "A photo of {product}"})
    created = PosterTemplate.objects.get(brand=brand, name="Story ad")
    assert (created.version, created.status) == (1, VersionStatus.DRAFT)
    assert response["Location"].endswith(f"/templates/{created.pk}/design/")
    assert client.get(response["Location"]).status_code == 200
    again = client.post(url, {"name": "Story ad", "prompt_template": "x"}, follow=True)
    assert "already has a poster template" in again.content.decode()
    marketer = member(brand, MembershipRole.MARKETER, username="m2")
    client.force_login(marketer)
    assert client.post(url, {"name": "Nope", "prompt_template": "x"}).status_code == 403
    stranger = django_user_model.objects.create_user("stranger2", password="x")
    client.force_login(stranger)
    assert client.post(url, {"name": "Nope", "prompt_template": "x"}).status_code == 404
