"""Every version made from a poster template gets its composited poster and brand checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from projects.exceptions import GenerationRefused
from projects.models import VersionPoster
from projects.services.posters import version_poster_create
from tests.projects.generation_support import ask
from tests.projects.poster_support import poster_template, poster_version
from tests.projects.review_support import inline_queue  # noqa: F401

pytestmark = pytest.mark.usefixtures("inline_queue")


@pytest.fixture
def template(studio: Any) -> Any:
    return poster_template(studio.brand, studio.admin)


def test_a_version_from_a_template_gets_its_poster_with_checks(studio: Any, template: Any) -> None:
    version = poster_version(studio, template, headline="Summer sale on cold brew")
    poster = version.poster
    assert poster.error == ""
    assert (poster.width, poster.height) == (1024, 1024)
    with default_storage.open(poster.image.name, "rb") as handle:
        image = Image.open(handle)
        image.load()
    assert image.size == (1024, 1024)
    # The logo is drawn in the brand's orange in its box (300x150 contained in 200x100).
    assert image.getpixel((860, 910)) == (242, 107, 29)
    keys = [check["key"] for check in poster.checks]
    assert keys == ["palette", "contrast:headline", "logo", "size"]
    size = next(check for check in poster.checks if check["key"] == "size")
    assert size["status"] == "warn"  # a 1280x720 output cropped to a square canvas
    assert poster.status in ("warn", "fail")
    assert poster.warnings >= 1


def test_poster_creation_is_idempotent_and_backfill_fills_gaps(studio: Any, template: Any) -> None:
    version = poster_version(studio, template)
    assert version_poster_create(version_id=version.pk).pk == version.poster.pk
    VersionPoster.objects.filter(pk=version.poster.pk).delete()
    call_command("posters_backfill", stdout=(out := __import__("io").StringIO()))
    assert "1 poster(s) drawn." in out.getvalue()
    assert VersionPoster.objects.filter(version=version).exists()


def test_text_that_cannot_fit_is_refused_before_sending_with_the_slot_named(
    studio: Any, template: Any
) -> None:
    with pytest.raises(GenerationRefused) as caught:
        ask(
            studio,
            provider="local",
            prompt="",
            poster_template_id=template.pk,
            slot_values={"product": "tea", "headline": "W" * 70},
        )
    assert "Headline" in str(caught.value)
    assert caught.value.field == "slot_headline"


def test_overlay_slot_length_is_checked_too(studio: Any, template: Any) -> None:
    with pytest.raises(GenerationRefused, match="Headline"):
        ask(
            studio,
            provider="local",
            prompt="",
            poster_template_id=template.pk,
            slot_values={"product": "tea", "headline": "x" * 81},
        )


def test_reviewer_sees_the_poster_with_checks_and_the_raw_output_one_click_away(
    client: Any, studio: Any, template: Any
) -> None:
    from tests.projects.review_support import submitted

    version = poster_version(studio, template)
    submitted(version, user=studio.marketer)
    client.force_login(studio.reviewer)
    page = client.get(version.asset.get_absolute_url()).content.decode()
    assert version.poster.image.url in page
    assert "Show the raw output" in page
    assert "Brand checks" in page and "Size and aspect" in page
    raw = client.get(version.asset.get_absolute_url() + "?raw=1").content.decode()
    assert version.image.url in raw and "Show the poster" in raw


def test_inbox_filters_and_sorts_by_check_results(client: Any, studio: Any, template: Any) -> None:
    from tests.projects.review_support import first_version, submitted

    plain = first_version(studio)  # no template: no poster
    failing = poster_version(studio, template, headline="Sale")
    VersionPoster.objects.filter(version=failing).delete()
    VersionPoster.objects.create(
        version=failing, template=template, renderer_version=1, status="fail", failures=1
    )
    passing = poster_version(studio, template, headline="Fine")
    VersionPoster.objects.filter(version=passing).delete()
    VersionPoster.objects.create(
        version=passing, template=template, renderer_version=1, status="pass"
    )
    for version in (plain, failing, passing):
        submitted(version, user=studio.marketer)
    client.force_login(studio.reviewer)

    def titles(query: str) -> list[int]:
        response = client.get("/reviews/" + query)
        # The inbox is paged in the database and builds no decision forms it never shows.
        return [asset.pk for asset in response.context["items"]]

    assert titles("") == [plain.asset_id, failing.asset_id, passing.asset_id]
    assert titles("?sort=checks") == [failing.asset_id, passing.asset_id, plain.asset_id]
    assert titles("?checks=fail") == [failing.asset_id]
    assert titles("?checks=none") == [plain.asset_id]
    assert titles("?checks=bogus&sort=bogus") == [
        plain.asset_id,
        failing.asset_id,
        passing.asset_id,
    ]
    assert "Brand checks: Fail" in client.get("/reviews/").content.decode()


def test_an_edit_of_a_poster_version_gets_the_same_template_poster(
    studio: Any, template: Any
) -> None:
    from tests.projects.review_support import next_version

    version = poster_version(studio, template, headline="Edit me")
    edited = next_version(studio, version)
    assert edited.generation.poster_template_id is None
    poster = VersionPoster.objects.get(version=edited)
    assert poster.template_id == template.pk
    assert poster.error == "" and poster.image


def test_designer_preview_over_a_version_is_scoped_to_the_brand(
    client: Any, studio: Any, template: Any
) -> None:
    from brandkit.services.poster_templates import poster_template_new_version
    from tests.brandkit.test_views_template_designer import post_data
    from tests.factories import brand_with_admin

    version = poster_version(studio, template)
    draft = poster_template_new_version(template=template)
    client.force_login(studio.admin)
    url = f"/templates/{draft.pk}/design/preview.png"
    assert client.post(url, post_data(draft, preview_version=version.pk)).status_code == 200
    other_brand, other_admin = brand_with_admin(name="Other", slug="other")
    other_template = poster_template(other_brand, other_admin, name="Other poster")
    other_draft = poster_template_new_version(template=other_template)
    client.force_login(other_admin)
    response = client.post(
        f"/templates/{other_draft.pk}/design/preview.png",
        post_data(other_draft, preview_version=version.pk),
    )
    assert response.status_code == 400
    assert "No version" in response.json()["errors"][0]
