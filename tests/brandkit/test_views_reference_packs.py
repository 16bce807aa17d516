"""Reference pack pages: brand admins upload, caption, remove, reorder, publish and version packs;
everyone else sees them read-only, and no write answers a non-admin."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from brandkit.choices import MembershipRole, PackPurpose, VersionStatus
from brandkit.models import ReferenceImage, ReferencePack
from tests.brandkit import hostile_samples as samples
from tests.factories import brand_with_admin, draft_pack, image_bytes, member, published_pack

pytestmark = pytest.mark.django_db

UNSUPPORTED_IMAGE = "This file is not a supported image. Upload a PNG, JPEG or WebP image."


@pytest.fixture
def brand_and_admin(media_root: Path) -> tuple[Any, Any]:
    return brand_with_admin(name="Northwind Coffee", slug="northwind")


@pytest.fixture
def admin_client(brand_and_admin: tuple[Any, Any]) -> Client:
    client = Client()
    client.force_login(brand_and_admin[1])
    return client


@pytest.fixture
def draft(brand_and_admin: tuple[Any, Any]) -> ReferencePack:
    return draft_pack(brand_and_admin[0], images=3)


def png_upload(name: str, index: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(index), "image/png")


def url(name: str, pack: ReferencePack, *args: int) -> str:
    return reverse(f"brandkit:{name}", args=[pack.pk, *args])


def image_ids(pack: ReferencePack) -> list[int]:
    return list(pack.images.order_by("position").values_list("pk", flat=True))


def outcome_line(html: str, filename: str) -> str:
    """The text of the upload verdict listed for `filename`."""
    match = re.search(
        rf'<span class="filename">{re.escape(filename)}</span>(.*?)</li>', html, re.DOTALL
    )
    assert match, f"no verdict for {filename} in the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[1])).strip()


# Uploads -----------------------------------------------------------------------------------


def test_upload_saves_the_valid_files_and_shows_each_refusal_next_to_its_name(
    admin_client: Client, draft: ReferencePack
) -> None:
    hostile = samples.text_renamed_png()
    response = admin_client.post(
        url("reference_pack_image_add", draft),
        {
            "images": [
                png_upload("front.png", 10),
                SimpleUploadedFile(hostile.filename, hostile.data, hostile.content_type),
                png_upload("back.png", 11),
            ]
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert outcome_line(html, "front.png") == "Saved as image #4"
    assert outcome_line(html, "back.png") == "Saved as image #5"
    assert outcome_line(html, hostile.filename) == f"Refused: {escape(UNSUPPORTED_IMAGE)}"
    assert "2 of 3 files saved, 1 refused." in html
    assert 'type="file" name="images"' in html and "multiple" in html
    assert draft.images.count() == 5


def test_upload_of_only_refused_files_stores_nothing_and_answers_400(
    admin_client: Client, draft: ReferencePack, media_root: Path
) -> None:
    stored_before = sorted((media_root / "references").rglob("*.*"))
    bomb, cut = samples.png_bomb(), samples.truncated_png()
    response = admin_client.post(
        url("reference_pack_image_add", draft),
        {
            "images": [
                SimpleUploadedFile("bomb.png", bomb.data, bomb.content_type),
                SimpleUploadedFile("cut.png", cut.data, cut.content_type),
            ]
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "too many pixels" in outcome_line(html, "bomb.png")
    assert "damaged or incomplete" in outcome_line(html, "cut.png")
    assert draft.images.count() == 3
    assert sorted((media_root / "references").rglob("*.*")) == stored_before


def test_upload_of_valid_files_redirects_with_a_message(
    admin_client: Client, draft: ReferencePack
) -> None:
    response = admin_client.post(
        url("reference_pack_image_add", draft),
        {"images": [png_upload("a.png", 20), png_upload("b.png", 21)]},
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith(f"{draft.get_absolute_url()}#images")
    assert "Saved 2 images: a.png, b.png." in response.content.decode()
    assert draft.images.count() == 5


def test_upload_without_files_is_a_form_error(admin_client: Client, draft: ReferencePack) -> None:
    response = admin_client.post(url("reference_pack_image_add", draft), {})

    assert response.status_code == 400
    assert "Choose one or more image files" in response.content.decode()


def test_upload_past_the_pack_limit_refuses_the_extra_files(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    pack = draft_pack(brand_and_admin[0], images=9)
    response = admin_client.post(
        url("reference_pack_image_add", pack),
        {"images": [png_upload("ninth.png", 30), png_upload("eleventh.png", 31)]},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert outcome_line(html, "ninth.png") == "Saved as image #10"
    assert "already has 10 images" in outcome_line(html, "eleventh.png")


def test_published_pack_refuses_uploads_with_a_message(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    pack = published_pack(*brand_and_admin)
    response = admin_client.post(
        url("reference_pack_image_add", pack), {"images": [png_upload("late.png", 40)]}
    )

    assert response.status_code == 400
    assert "is published and cannot change; create a new version to edit it." in outcome_line(
        response.content.decode(), "late.png"
    )
    assert pack.images.count() == 2


# Captions, removal, moves --------------------------------------------------------------------


def test_caption_edit_saves_and_keeps_the_typed_value_on_error(
    admin_client: Client, draft: ReferencePack
) -> None:
    image = draft.images.order_by("position").first()
    field = f"image-{image.pk}-caption"

    response = admin_client.post(
        url("reference_pack_image_caption", draft, image.pk), {field: "Hero"}
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.caption == "Hero"

    too_long = "x" * 201
    response = admin_client.post(
        url("reference_pack_image_caption", draft, image.pk), {field: too_long}
    )
    assert response.status_code == 400
    assert f'value="{too_long}"' in response.content.decode()
    image.refresh_from_db()
    assert image.caption == "Hero"


def test_remove_takes_the_image_out_of_the_draft(
    admin_client: Client, draft: ReferencePack
) -> None:
    first, *rest = image_ids(draft)
    response = admin_client.post(url("reference_pack_image_remove", draft, first), follow=True)

    assert image_ids(draft) == rest
    assert "Removed image" in response.content.decode()


def test_move_buttons_swap_neighbours_without_javascript(
    admin_client: Client, draft: ReferencePack
) -> None:
    first, second, third = image_ids(draft)
    admin_client.post(url("reference_pack_image_move", draft, third), {"direction": "earlier"})
    assert image_ids(draft) == [first, third, second]
    admin_client.post(url("reference_pack_image_move", draft, first), {"direction": "earlier"})
    assert image_ids(draft) == [first, third, second]


# Reorder endpoint ----------------------------------------------------------------------------


def test_reorder_endpoint_applies_a_permutation(admin_client: Client, draft: ReferencePack) -> None:
    order = list(reversed(image_ids(draft)))
    response = admin_client.post(
        url("reference_pack_reorder", draft),
        json.dumps({"order": order}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {"order": order, "message": "Order saved."}
    assert image_ids(draft) == order


LIST_MESSAGE = "every image of the pack exactly once"
SHAPE_MESSAGE = "must be a list of image ids"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing-id", LIST_MESSAGE),
        ("duplicate-id", LIST_MESSAGE),
        ("other-packs-id", LIST_MESSAGE),
        ("not-numbers", SHAPE_MESSAGE),
        ("not-a-list", SHAPE_MESSAGE),
        ("not-json", SHAPE_MESSAGE),
    ],
)
def test_reorder_endpoint_refuses_a_bad_list_with_400(
    admin_client: Client, draft: ReferencePack, case: str, message: str
) -> None:
    ids = image_ids(draft)
    other = draft_pack(draft.brand, name="Other", images=1).images.get().pk
    bodies = {
        "missing-id": {"order": ids[:-1]},
        "duplicate-id": {"order": [ids[0], *ids[:-1]]},
        "other-packs-id": {"order": [*ids[:-1], other]},
        "not-numbers": {"order": [ids[0], "x", ids[2]]},
        "not-a-list": {"order": ",".join(map(str, ids))},
    }
    payload = "{not json" if case == "not-json" else json.dumps(bodies[case])

    response = admin_client.post(
        url("reference_pack_reorder", draft), payload, content_type="application/json"
    )

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert image_ids(draft) == ids


def test_reorder_endpoint_answers_409_for_a_published_pack(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    pack = published_pack(*brand_and_admin)
    response = admin_client.post(
        url("reference_pack_reorder", pack),
        json.dumps({"order": list(reversed(image_ids(pack)))}),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert "cannot change" in response.json()["error"]


# Publishing and versions ---------------------------------------------------------------------


def test_publish_freezes_the_draft(admin_client: Client, draft: ReferencePack) -> None:
    page = admin_client.get(draft.get_absolute_url()).content.decode()
    assert f"Publish v{draft.version}" in page

    asked = admin_client.post(url("reference_pack_publish", draft))
    assert asked.status_code == 200
    assert "Publishing cannot be undone" in asked.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT  # asking changed nothing

    response = admin_client.post(
        url("reference_pack_publish", draft), {"confirm": "yes"}, follow=True
    )

    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    html = response.content.decode()
    assert "Published Product shots v1" in html
    assert "Edit as version 2" in html
    assert 'name="images"' not in html


def test_publish_of_an_empty_pack_is_a_message_not_an_error(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    pack = draft_pack(brand_and_admin[0], images=0)
    response = admin_client.post(
        url("reference_pack_publish", pack), {"confirm": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert "has no images; add at least one before publishing." in response.content.decode()
    pack.refresh_from_db()
    assert pack.status == VersionStatus.DRAFT


def test_edit_as_new_version_opens_a_draft_copy_and_lists_the_history(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    pack = published_pack(*brand_and_admin)
    response = admin_client.post(url("reference_pack_new_version", pack), follow=True)

    draft = ReferencePack.objects.get(brand=pack.brand, name=pack.name, version=2)
    assert draft.status == VersionStatus.DRAFT
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    html = response.content.decode()
    assert "Editing Product shots v2, a draft copied from v1." in html
    assert 'id="versions-h"' in html and f'href="{pack.get_absolute_url()}"' in html
    assert [i.sha256 for i in draft.images.all()] == [i.sha256 for i in pack.images.all()]

    published_page = admin_client.get(pack.get_absolute_url()).content.decode()
    assert "Edit draft v2" in published_page


def test_archived_pack_is_shown_as_archived(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    from brandkit.services.reference_packs import reference_pack_archive

    pack = reference_pack_archive(pack=published_pack(*brand_and_admin))
    html = admin_client.get(pack.get_absolute_url()).content.decode()

    assert "This version is archived." in html
    assert 'class="badge badge-archived"' in html


# Creating packs ------------------------------------------------------------------------------


def test_new_pack_form_creates_a_draft(
    admin_client: Client, brand_and_admin: tuple[Any, Any]
) -> None:
    brand = brand_and_admin[0]
    assert "New reference pack" in admin_client.get(brand.get_absolute_url()).content.decode()

    response = admin_client.post(
        reverse("brandkit:reference_pack_create", args=[brand.slug]),
        {"name": "Barista hands", "purpose": PackPurpose.CHARACTER, "description": "Close-ups"},
    )

    pack = ReferencePack.objects.get(brand=brand, name="Barista hands")
    assert response.status_code == 302
    assert response["Location"] == pack.get_absolute_url()
    assert (pack.version, pack.status, pack.description) == (1, VersionStatus.DRAFT, "Close-ups")


def test_new_pack_form_keeps_what_was_typed_when_the_name_is_taken(
    admin_client: Client, brand_and_admin: tuple[Any, Any], draft: ReferencePack
) -> None:
    brand = brand_and_admin[0]
    response = admin_client.post(
        reverse("brandkit:reference_pack_create", args=[brand.slug]),
        {"name": draft.name, "purpose": PackPurpose.STYLE, "description": "Typed text"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("This brand already has a reference pack with this name.") == 1
    assert "Constraint" not in html
    assert f'value="{draft.name}"' in html
    assert "Typed text</textarea>" in html
    assert '<option value="style" selected>' in html
    assert ReferencePack.objects.filter(brand=brand, name=draft.name).count() == 1


# Permissions ---------------------------------------------------------------------------------


def write_requests(pack: ReferencePack, image: ReferenceImage) -> list[tuple[str, Any]]:
    return [
        (url("reference_pack_image_add", pack), {"images": [png_upload("x.png", 50)]}),
        (url("reference_pack_image_remove", pack, image.pk), {}),
        (url("reference_pack_image_caption", pack, image.pk), {f"image-{image.pk}-caption": "x"}),
        (url("reference_pack_image_move", pack, image.pk), {"direction": "later"}),
        (url("reference_pack_reorder", pack), {"order": image_ids(pack)}),
        (url("reference_pack_publish", pack), {}),
        (url("reference_pack_new_version", pack), {}),
        (
            reverse("brandkit:reference_pack_create", args=[pack.brand.slug]),
            {"name": "New", "purpose": "style"},
        ),
    ]


@pytest.mark.parametrize("role", [MembershipRole.MARKETER, MembershipRole.REVIEWER])
def test_members_who_are_not_admins_get_403_on_every_write(draft: ReferencePack, role: str) -> None:
    client = Client()
    client.force_login(member(draft.brand, role, username=f"{role}-user"))
    image = draft.images.order_by("position").first()
    before = (image_ids(draft), ReferencePack.objects.count())

    for address, data in write_requests(draft, image):
        assert client.post(address, data).status_code == 403, address

    assert (image_ids(draft), ReferencePack.objects.count()) == before
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="images"' not in page and "Publish v1" not in page


def test_non_members_get_404_on_every_write(draft: ReferencePack) -> None:
    _other_brand, other_admin = brand_with_admin(name="Other", slug="other")
    client = Client()
    client.force_login(other_admin)
    image = draft.images.order_by("position").first()

    for address, data in write_requests(draft, image):
        assert client.post(address, data).status_code == 404, address
    assert draft.images.count() == 3


def test_writes_need_a_login_and_a_post(draft: ReferencePack, admin_client: Client) -> None:
    response = Client().post(url("reference_pack_publish", draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert admin_client.get(url("reference_pack_publish", draft)).status_code == 405


def test_draft_page_runs_a_fixed_number_of_queries(
    admin_client: Client, draft: ReferencePack, django_assert_max_num_queries: Any
) -> None:
    admin_client.get(draft.get_absolute_url())  # thumbnails are made once

    # session, user, pack with brand, its images, role, versions, review count (base page)
    with django_assert_max_num_queries(7):
        response = admin_client.get(draft.get_absolute_url())

    assert response.status_code == 200
