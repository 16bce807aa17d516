"""Uploads through the Django admin: each hostile sample is a clear form error; nothing is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from brandkit.choices import FontRole, LogoVariant, VersionStatus
from brandkit.models import BrandFont, BrandLogo, ReferenceImage, ReferencePack
from brandkit.services.reference_packs import reference_pack_publish
from tests.brandkit import hostile_samples as samples
from tests.brandkit.admin_support import (
    add_inline_row,
    admin_url,
    form_post_data,
    inline_prefix,
    stored_files,
    upload,
)
from tests.factories import brand_with_admin, draft_pack, image_bytes

pytestmark = pytest.mark.django_db

UNSUPPORTED_IMAGE = "This file is not a supported image. Upload a PNG, JPEG or WebP image."
DAMAGED_IMAGE = "The image is damaged or incomplete and could not be read."
TOO_MANY_PIXELS = "The image has too many pixels: the limit is 36 megapixels."
HOSTILE_REFERENCE_IMAGES = [
    pytest.param(samples.truncated_png(), DAMAGED_IMAGE, id="truncated-png"),
    pytest.param(samples.text_renamed_png(), UNSUPPORTED_IMAGE, id="text-renamed-png"),
    pytest.param(samples.png_bomb(), TOO_MANY_PIXELS, id="decompression-bomb"),
    pytest.param(samples.svg_image(), UNSUPPORTED_IMAGE, id="svg"),
    pytest.param(
        samples.oversized_jpeg(), "The file is 12.0 MB; the limit is 10 MB.", id="12-mb-jpeg"
    ),
]


@pytest.fixture
def brand_and_admin(media_root: Path):
    return brand_with_admin(name="Northwind Coffee", slug="northwind")


@pytest.fixture
def admin_client(brand_and_admin) -> Client:
    client = Client()
    client.force_login(brand_and_admin[1])
    return client


# Reference packs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "message"), HOSTILE_REFERENCE_IMAGES)
def test_admin_refuses_a_hostile_reference_image_with_a_form_error_and_saves_nothing(
    brand_and_admin, admin_client: Client, media_root: Path, sample: Any, message: str
) -> None:
    pack = draft_pack(brand_and_admin[0], images=1)
    page = admin_client.get(admin_url(pack))
    assert page.status_code == 200
    files_before = stored_files(media_root)
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    data[f"{prefix}-1-upload"] = upload(sample)
    data[f"{prefix}-1-caption"] = "Hostile"

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert "Please correct the error below." in html
    assert list(ReferenceImage.objects.values_list("caption", flat=True)) == ["Image 0"]
    assert stored_files(media_root) == files_before


def test_admin_adds_a_valid_reference_image_stored_by_its_sha256(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    pack = draft_pack(brand_and_admin[0])
    page = admin_client.get(admin_url(pack))
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    data[f"{prefix}-0-upload"] = upload(samples.png(size=(64, 48)))
    data[f"{prefix}-0-caption"] = "Front"

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 302, response.content.decode()
    image = ReferenceImage.objects.get(pack=pack)
    assert (image.caption, image.position, image.width, image.height) == ("Front", 0, 64, 48)
    assert len(image.sha256) == 64
    assert image.file.name == f"references/{image.sha256[:2]}/{image.sha256}.png"
    assert (media_root / image.file.name).is_file()


def test_admin_saves_nothing_when_one_of_several_uploads_is_refused(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    pack = draft_pack(brand_and_admin[0])
    page = admin_client.get(admin_url(pack))
    files_before = stored_files(media_root)
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    data[f"{prefix}-0-upload"] = upload(samples.png(color="blue"))
    data[f"{prefix}-0-caption"] = "Valid"
    add_inline_row(data, prefix, pack=str(pack.pk), upload=upload(samples.truncated_png()))
    data["description"] = "Changed with the uploads"

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 200
    assert escape(DAMAGED_IMAGE) in response.content.decode()
    pack.refresh_from_db()
    assert pack.description == ""
    assert not pack.images.exists()
    assert stored_files(media_root) == files_before


def test_admin_refuses_the_same_image_twice_in_one_save_with_a_form_error(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    pack = draft_pack(brand_and_admin[0], images=1)
    page = admin_client.get(admin_url(pack))
    files_before = stored_files(media_root)
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    add_inline_row(data, prefix, pack=str(pack.pk))
    data[f"{prefix}-1-upload"] = upload(samples.png(color="blue"))
    data[f"{prefix}-2-upload"] = upload(samples.png(color="blue"))

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 200
    assert "This image is already in the pack." in response.content.decode()
    assert pack.images.count() == 1
    assert stored_files(media_root) == files_before


def test_admin_refuses_an_image_already_in_the_pack_with_a_form_error(
    brand_and_admin, admin_client: Client
) -> None:
    pack = draft_pack(brand_and_admin[0], images=1)
    page = admin_client.get(admin_url(pack))
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    data[f"{prefix}-1-upload"] = SimpleUploadedFile("again.png", image_bytes(0), "image/png")

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 200
    assert "This image is already in the pack." in response.content.decode()
    assert pack.images.count() == 1


def test_admin_refuses_an_eleventh_image_with_a_form_error(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    pack = draft_pack(brand_and_admin[0], images=10)
    page = admin_client.get(admin_url(pack))
    files_before = stored_files(media_root)
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    # The page offers no empty row at 10 images; a hand-made POST adds one anyway.
    add_inline_row(data, prefix, pack=str(pack.pk), upload=upload(samples.png(color="blue")))

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 200
    assert (
        "A reference pack holds at most 10 images, the most every Seedream model takes in one "
        "request; remove one first."
    ) in response.content.decode()
    assert pack.images.count() == 10
    assert stored_files(media_root) == files_before


def test_admin_reorders_reference_images_with_the_order_fields(
    brand_and_admin, admin_client: Client
) -> None:
    pack = draft_pack(brand_and_admin[0], images=2)
    first, second = pack.images.order_by("position")
    page = admin_client.get(admin_url(pack))
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    assert (data[f"{prefix}-0-order"], data[f"{prefix}-1-order"]) == ("0", "1")
    data[f"{prefix}-0-order"], data[f"{prefix}-1-order"] = "1", "0"

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 302, response.content.decode()
    assert list(pack.images.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]


def test_admin_removes_a_reference_image_with_the_delete_box(
    brand_and_admin, admin_client: Client
) -> None:
    pack = draft_pack(brand_and_admin[0], images=2)
    page = admin_client.get(admin_url(pack))
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    data[f"{prefix}-0-DELETE"] = "on"

    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 302, response.content.decode()
    assert list(pack.images.values_list("caption", "position")) == [("Image 1", 0)]


def test_admin_shows_a_published_pack_read_only_and_refuses_an_added_image(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    brand, admin_user = brand_and_admin
    draft = draft_pack(brand, images=1)
    page = admin_client.get(admin_url(draft))
    data = form_post_data(page)
    prefix = inline_prefix(page, ReferenceImage)
    pack = reference_pack_publish(pack=draft, user=admin_user)

    page = admin_client.get(admin_url(pack))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Version 1 is published and cannot change." in html
    assert 'type="file"' not in html
    assert 'name="_save"' not in html
    files_before = stored_files(media_root)

    data[f"{prefix}-1-upload"] = upload(samples.png(color="blue"))
    data["description"] = "Changed after publishing"
    response = admin_client.post(admin_url(pack), data)

    assert response.status_code == 403
    pack.refresh_from_db()
    assert (pack.status, pack.description) == (VersionStatus.PUBLISHED, "")
    assert pack.images.count() == 1
    assert stored_files(media_root) == files_before


def test_admin_add_reference_pack_creates_a_draft_version_one(
    brand_and_admin, admin_client: Client
) -> None:
    brand = brand_and_admin[0]
    add_url = reverse("admin:brandkit_referencepack_add")
    data = form_post_data(admin_client.get(add_url))
    data.update({"brand": str(brand.pk), "name": "Bottle studies", "purpose": "product"})
    data["images-0-upload"] = upload(samples.png())

    response = admin_client.post(add_url, data)

    assert response.status_code == 302, response.content.decode()
    pack = ReferencePack.objects.get(name="Bottle studies")
    assert (pack.brand, pack.version, pack.status) == (brand, 1, VersionStatus.DRAFT)
    assert pack.images.count() == 1


# Brand fonts and logos ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields", "sample", "message"),
    [
        pytest.param(
            BrandFont,
            {"role": FontRole.HEADING},
            samples.png_renamed_ttf(),
            "This file is not a TrueType or OpenType font. Upload a .ttf or .otf file.",
            id="png-renamed-ttf",
        ),
        pytest.param(
            BrandFont,
            {"role": FontRole.HEADING},
            samples.truncated_ttf(),
            "The font file is damaged or incomplete and could not be read.",
            id="truncated-ttf",
        ),
        pytest.param(
            BrandLogo,
            {"variant": LogoVariant.PRIMARY},
            samples.jpeg(),
            "This file is not a supported image. Upload a PNG image.",
            id="jpeg-logo",
        ),
        pytest.param(
            BrandLogo,
            {"variant": LogoVariant.PRIMARY},
            samples.svg_image(),
            "This file is not a supported image. Upload a PNG image.",
            id="svg-logo",
        ),
    ],
)
def test_admin_refuses_a_hostile_brand_font_or_logo_and_saves_nothing(
    brand_and_admin,
    admin_client: Client,
    media_root: Path,
    model: type[Model],
    fields: dict[str, str],
    sample: Any,
    message: str,
) -> None:
    brand = brand_and_admin[0]
    page = admin_client.get(admin_url(brand))
    assert page.status_code == 200
    files_before = stored_files(media_root)
    data = form_post_data(page)
    add_inline_row(data, inline_prefix(page, model), **fields, upload=upload(sample))

    response = admin_client.post(admin_url(brand), data)

    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not model.objects.exists()
    assert stored_files(media_root) == files_before


def test_admin_accepts_a_real_font_for_a_brand(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    brand = brand_and_admin[0]
    page = admin_client.get(admin_url(brand))
    data = form_post_data(page)
    prefix = inline_prefix(page, BrandFont)
    add_inline_row(data, prefix, role=FontRole.BODY, upload=upload(samples.dejavu_sans()))

    response = admin_client.post(admin_url(brand), data)

    assert response.status_code == 302, response.content.decode()
    font = BrandFont.objects.get(brand=brand)
    assert (font.role, font.family, font.style) == (FontRole.BODY, "DejaVu Sans", "Book")
    assert font.file.name == f"fonts/{font.sha256[:2]}/{font.sha256}.ttf"
    assert (media_root / font.file.name).read_bytes() == samples.DEJAVU_SANS.read_bytes()


def test_admin_accepts_a_png_logo_for_a_brand(
    brand_and_admin, admin_client: Client, media_root: Path
) -> None:
    brand = brand_and_admin[0]
    page = admin_client.get(admin_url(brand))
    data = form_post_data(page)
    prefix = inline_prefix(page, BrandLogo)
    add_inline_row(
        data,
        prefix,
        variant=LogoVariant.ICON,
        upload=upload(samples.palette_png_with_transparency()),
    )

    response = admin_client.post(admin_url(brand), data)

    assert response.status_code == 302, response.content.decode()
    logo = BrandLogo.objects.get(brand=brand)
    assert (logo.variant, logo.width, logo.height) == (LogoVariant.ICON, 32, 32)
    assert (media_root / logo.file.name).is_file()
