"""Local media: content-addressed names only, to members of a brand using the file, cached
privately for a year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from brandkit.choices import MembershipRole
from brandkit.services.brands import brand_font_set
from brandkit.thumbnails import thumbnail_url
from tests.brandkit.hostile_samples import DEJAVU_SANS
from tests.factories import brand_with_admin, draft_pack, member

pytestmark = pytest.mark.django_db

IMMUTABLE = "private, max-age=31536000, immutable"


@pytest.fixture
def reference(media_root: Path) -> Any:
    brand, _admin = brand_with_admin(name="Northwind Coffee", slug="northwind")
    return draft_pack(brand, images=1).images.get()


@pytest.fixture
def client_logged_in(reference: Any) -> Client:
    client = Client()
    client.force_login(member(reference.pack.brand, MembershipRole.VIEWER, username="viewer"))
    return client


def test_thumbnail_is_served_with_long_lived_cache_headers(
    client_logged_in: Client, reference: Any
) -> None:
    url = thumbnail_url(source_name=reference.file.name, sha256=reference.sha256, max_side=128)
    assert url == f"{settings.MEDIA_URL}thumbs/{reference.sha256[:2]}/{reference.sha256}-128.webp"

    response = client_logged_in.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == IMMUTABLE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{reference.sha256}"'
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_original_and_font_are_served_with_their_content_types(
    client_logged_in: Client, reference: Any
) -> None:
    font = brand_font_set(brand=reference.pack.brand, role="heading", data=DEJAVU_SANS.read_bytes())

    image = client_logged_in.get(reference.file.url)
    typeface = client_logged_in.get(font.file.url)

    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert (typeface.status_code, typeface["Content-Type"]) == (200, "font/ttf")
    assert typeface["Cache-Control"] == IMMUTABLE


def test_matching_etag_answers_304(client_logged_in: Client, reference: Any) -> None:
    response = client_logged_in.get(reference.file.url, HTTP_IF_NONE_MATCH=f'"{reference.sha256}"')

    assert response.status_code == 304
    assert response["Cache-Control"] == IMMUTABLE


@pytest.mark.parametrize(
    "name",
    [
        "notes.txt",
        "references/ab/not-a-hash.png",
        "db.sqlite3",
        "thumbs/../../brandkit/settings.py",
        "references/../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "references/%2e%2e/%2e%2e/secret.png",
        "/etc/passwd",
        "secrets/ab/" + "ab" + "0" * 62 + ".png",  # not a content-addressed folder
        "fonts/ab/" + "ab" + "0" * 62 + ".png",  # an image name in the fonts folder
        "references/cd/" + "ab" + "0" * 62 + ".png",  # prefix does not match the hash
        "references/AB/" + "AB" + "0" * 62 + ".png",  # upper-case hex is never written
        "references/ab/" + "ab" + "0" * 62 + ".html",
        "references/ab/" + "ab" + "0" * 62 + ".png/",
        "references/ab/" + "ab" + "0" * 62 + ".png\n",
    ],
)
def test_names_that_are_not_content_addressed_are_404(
    client_logged_in: Client, reference: Any, media_root: Path, name: str
) -> None:
    (media_root / "notes.txt").write_text("not media")
    response = client_logged_in.get(f"{settings.MEDIA_URL}{name}")

    assert response.status_code == 404


def test_well_formed_name_of_a_missing_file_is_404(client_logged_in: Client) -> None:
    sha256 = "ab" + "0" * 62
    response = client_logged_in.get(f"{settings.MEDIA_URL}references/ab/{sha256}.png")

    assert response.status_code == 404


def test_anonymous_users_are_sent_to_log_in(reference: Any) -> None:
    response = Client().get(reference.file.url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_get_and_head_are_answered(client_logged_in: Client, reference: Any) -> None:
    assert client_logged_in.head(reference.file.url).status_code == 200
    assert client_logged_in.post(reference.file.url).status_code == 405
