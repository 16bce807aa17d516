"""Reference pack services: drafts, images, publishing, immutability, versions, constraints."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from brandkit import images
from brandkit.choices import PackPurpose, VersionStatus
from brandkit.exceptions import ImmutableVersion, InvalidTransition, PackFull
from brandkit.images import ImageRejected
from brandkit.models import MAX_IMAGES_PER_PACK, ReferenceImage, ReferencePack
from brandkit.services.reference_packs import (
    reference_pack_add_image,
    reference_pack_archive,
    reference_pack_create,
    reference_pack_new_version,
    reference_pack_publish,
    reference_pack_remove_image,
    reference_pack_reorder,
    reference_pack_update,
    reference_pack_update_image,
)
from tests.brandkit import hostile_samples as samples
from tests.factories import brand_with_admin, draft_pack, image_bytes, published_pack

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


def image_rows(pack: ReferencePack) -> list[tuple]:
    return list(
        ReferenceImage.objects.filter(pack=pack)
        .order_by("position")
        .values_list("id", "position", "file", "sha256", "width", "height", "caption")
    )


def test_reference_pack_create_starts_version_one_as_a_draft(brand) -> None:
    pack = reference_pack_create(
        brand=brand, name="Bottle studies", purpose=PackPurpose.PRODUCT, description="Angles"
    )
    assert (pack.version, pack.status, pack.is_editable) == (1, VersionStatus.DRAFT, True)
    assert pack.published_at is None
    assert pack.derived_from is None


def test_reference_pack_add_image_stores_the_reencoded_file_by_its_sha256(
    brand, media_root: Path
) -> None:
    pack = draft_pack(brand)
    image = reference_pack_add_image(
        pack=pack, data=image_bytes(1, format="JPEG", size=(64, 48)), caption="Front"
    )
    assert (image.position, image.width, image.height, image.format) == (0, 64, 48, "JPEG")
    assert image.file.name == f"references/{image.sha256[:2]}/{image.sha256}.jpg"
    assert (media_root / image.file.name).is_file()
    assert image.caption == "Front"
    second = reference_pack_add_image(pack=pack, data=image_bytes(2))
    assert second.position == 1
    assert second.file.name.endswith(".png")


def test_reference_pack_add_image_refuses_the_eleventh_and_saves_nothing(
    brand, media_root: Path
) -> None:
    pack = draft_pack(brand, images=MAX_IMAGES_PER_PACK)
    before = image_rows(pack)
    files_before = sorted(media_root.rglob("*"))
    with pytest.raises(PackFull) as caught:
        reference_pack_add_image(pack=pack, data=image_bytes(99))
    assert caught.value.message == (
        "Product shots v1 already has 10 images, the most every Seedream model takes in one "
        "request; remove one first."
    )
    assert image_rows(pack) == before
    assert sorted(media_root.rglob("*")) == files_before


def test_reference_pack_add_image_refuses_an_image_already_in_the_pack(brand) -> None:
    pack = draft_pack(brand, images=2)
    before = image_rows(pack)
    with pytest.raises(PackFull, match=r"^This image is already in Product shots v1\.$"):
        reference_pack_add_image(pack=pack, data=image_bytes(1))
    assert image_rows(pack) == before


def test_reference_pack_add_image_refuses_a_hostile_file_and_saves_nothing(
    brand, media_root: Path
) -> None:
    pack = draft_pack(brand)
    with pytest.raises(ImageRejected, match="damaged or incomplete"):
        reference_pack_add_image(pack=pack, data=samples.truncated_png().data)
    assert not pack.images.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_reference_pack_reorder_swaps_positions_under_the_unique_constraint(brand) -> None:
    pack = draft_pack(brand, images=3)
    first, second, third = pack.images.order_by("position")
    reference_pack_reorder(pack=pack, image_ids=[third.pk, first.pk, second.pk])
    assert list(pack.images.order_by("position").values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]
    assert list(pack.images.order_by("position").values_list("position", flat=True)) == [0, 1, 2]


def test_reference_pack_reorder_refuses_an_incomplete_order(brand) -> None:
    pack = draft_pack(brand, images=2)
    second = pack.images.order_by("position").last()
    before = image_rows(pack)
    with pytest.raises(InvalidTransition, match="every image of the pack exactly once"):
        reference_pack_reorder(pack=pack, image_ids=[second.pk])
    with pytest.raises(InvalidTransition):
        reference_pack_reorder(pack=pack, image_ids=[second.pk, second.pk])
    assert image_rows(pack) == before


def test_reference_pack_remove_image_deletes_the_row_but_keeps_the_shared_file(
    brand, media_root: Path
) -> None:
    pack = draft_pack(brand, images=2)
    image = pack.images.order_by("position").first()
    reference_pack_remove_image(image=image)
    assert list(pack.images.values_list("caption", flat=True)) == ["Image 1"]
    assert (media_root / image.file.name).is_file()
    added = reference_pack_add_image(pack=pack, data=image_bytes(7))
    assert added.position == 2


def test_reference_pack_update_changes_a_draft(brand) -> None:
    pack = draft_pack(brand)
    reference_pack_update(pack=pack, purpose=PackPurpose.STYLE, description="Moody")
    pack.refresh_from_db()
    assert (pack.purpose, pack.description) == (PackPurpose.STYLE, "Moody")


def test_reference_pack_update_image_changes_the_caption_of_a_draft_only(brand, admin_user) -> None:
    pack = draft_pack(brand, images=1)
    image = reference_pack_update_image(image=pack.images.get(), caption="Hero shot")
    assert ReferenceImage.objects.get(pk=image.pk).caption == "Hero shot"

    with pytest.raises(ValidationError):
        reference_pack_update_image(image=image, caption="x" * 201)

    reference_pack_publish(pack=pack, user=admin_user)
    with pytest.raises(ImmutableVersion):
        reference_pack_update_image(image=pack.images.get(), caption="Too late")
    assert pack.images.get().caption == "Hero shot"


def test_reference_pack_publish_freezes_the_version_and_stamps_who_and_when(
    brand, admin_user
) -> None:
    pack = draft_pack(brand, images=1)
    published = reference_pack_publish(pack=pack, user=admin_user)
    pack.refresh_from_db()
    assert pack.status == VersionStatus.PUBLISHED
    assert pack.published_by == admin_user
    assert pack.published_at is not None
    assert pack.published_at == published.published_at
    assert not pack.is_editable


def test_reference_pack_publish_needs_at_least_one_image(brand, admin_user) -> None:
    pack = draft_pack(brand)
    with pytest.raises(InvalidTransition) as caught:
        reference_pack_publish(pack=pack, user=admin_user)
    assert caught.value.message == (
        "Product shots v1 has no images; add at least one before publishing."
    )
    pack.refresh_from_db()
    assert (pack.status, pack.published_at) == (VersionStatus.DRAFT, None)


def test_reference_pack_publish_refuses_a_published_pack(brand, admin_user) -> None:
    pack = published_pack(brand, admin_user)
    with pytest.raises(InvalidTransition, match="cannot go from Published to Published"):
        reference_pack_publish(pack=pack, user=admin_user)


def test_published_reference_pack_refuses_every_change_and_keeps_its_rows(
    brand, admin_user
) -> None:
    pack = published_pack(brand, admin_user, images=2)
    pack_before = ReferencePack.objects.filter(pk=pack.pk).values().get()
    rows_before = image_rows(pack)
    first, second = pack.images.order_by("position")
    refusals = [
        lambda: reference_pack_add_image(pack=pack, data=image_bytes(50)),
        lambda: reference_pack_remove_image(image=first),
        lambda: reference_pack_reorder(pack=pack, image_ids=[second.pk, first.pk]),
        lambda: reference_pack_update(pack=pack, description="Changed"),
    ]
    for attempt in refusals:
        with pytest.raises(ImmutableVersion) as caught:
            attempt()
        assert caught.value.message == (
            "Product shots v1 is published and cannot change; create a new version to edit it."
        )
    assert ReferencePack.objects.filter(pk=pack.pk).values().get() == pack_before
    assert image_rows(pack) == rows_before


def test_reference_pack_new_version_makes_a_draft_n_plus_1_with_the_same_images(
    brand, admin_user
) -> None:
    pack = published_pack(brand, admin_user, images=3)
    draft = reference_pack_new_version(pack=pack)
    assert (draft.version, draft.status, draft.derived_from) == (2, VersionStatus.DRAFT, pack)
    assert (draft.name, draft.brand, draft.purpose) == (pack.name, pack.brand, pack.purpose)

    def content(version: ReferencePack) -> list[tuple]:
        return list(
            version.images.order_by("position").values_list(
                "position", "file", "sha256", "width", "height", "format", "caption"
            )
        )

    assert content(draft) == content(pack)
    assert not set(draft.images.values_list("pk", flat=True)) & set(
        pack.images.values_list("pk", flat=True)
    )
    reference_pack_add_image(pack=draft, data=image_bytes(40))
    assert pack.images.count() == 3
    assert draft.images.count() == 4


def test_reference_pack_new_version_returns_the_existing_draft(brand, admin_user) -> None:
    pack = published_pack(brand, admin_user)
    draft = reference_pack_new_version(pack=pack)
    assert reference_pack_new_version(pack=pack) == draft
    assert reference_pack_new_version(pack=draft) == draft
    assert ReferencePack.objects.filter(brand=brand, name=pack.name).count() == 2


def test_reference_pack_versions_count_up_after_each_publish(brand, admin_user) -> None:
    pack = published_pack(brand, admin_user)
    second = reference_pack_publish(pack=reference_pack_new_version(pack=pack), user=admin_user)
    third = reference_pack_new_version(pack=second)
    assert (second.version, third.version) == (2, 3)
    assert third.derived_from == second


def test_reference_pack_archive_follows_the_transitions(brand, admin_user) -> None:
    draft = draft_pack(brand, images=1)
    with pytest.raises(InvalidTransition, match="cannot go from Draft to Archived"):
        reference_pack_archive(pack=draft)
    published = reference_pack_publish(pack=draft, user=admin_user)
    archived = reference_pack_archive(pack=published)
    assert archived.status == VersionStatus.ARCHIVED
    with pytest.raises(InvalidTransition, match="cannot go from Archived to Published"):
        reference_pack_publish(pack=archived, user=admin_user)
    with pytest.raises(InvalidTransition):
        reference_pack_archive(pack=archived)
    with pytest.raises(ImmutableVersion, match="is archived and cannot change"):
        reference_pack_add_image(pack=archived, data=image_bytes(60))


def test_reference_pack_create_refuses_a_second_version_one(brand) -> None:
    from django.core.exceptions import ValidationError

    draft_pack(brand, name="Bottle studies")
    with pytest.raises(ValidationError):
        reference_pack_create(brand=brand, name="Bottle studies", purpose=PackPurpose.PRODUCT)
    assert ReferencePack.objects.filter(brand=brand, name="Bottle studies").count() == 1


def test_database_refuses_two_rows_with_the_same_pack_version(brand, admin_user) -> None:
    pack = published_pack(brand, admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferencePack.objects.create(
            brand=brand,
            name=pack.name,
            purpose=pack.purpose,
            version=1,
            status=VersionStatus.ARCHIVED,
        )


def test_database_refuses_a_second_draft_of_the_same_pack(brand) -> None:
    pack = draft_pack(brand)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferencePack.objects.create(
            brand=brand, name=pack.name, purpose=pack.purpose, version=2, status="draft"
        )
    other = ReferencePack.objects.create(
        brand=brand, name="Another pack", purpose=pack.purpose, version=1, status="draft"
    )
    assert other.pk


def test_database_refuses_version_zero(brand) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferencePack.objects.create(brand=brand, name="Zero", purpose=PackPurpose.STYLE, version=0)


def test_database_refuses_two_images_at_one_position_of_a_pack(brand) -> None:
    pack = draft_pack(brand, images=1)
    existing = pack.images.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceImage.objects.create(
            pack=pack,
            position=existing.position,
            file="references/aa/other.png",
            sha256="a" * 64,
            width=20,
            height=20,
            format="PNG",
        )


def test_database_refuses_the_same_image_twice_in_a_pack(brand) -> None:
    pack = draft_pack(brand, images=1)
    existing = pack.images.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceImage.objects.create(
            pack=pack,
            position=5,
            file=existing.file.name,
            sha256=existing.sha256,
            width=existing.width,
            height=existing.height,
            format=existing.format,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reference_pack_add_image_lets_one_of_two_racing_uploads_take_the_tenth_place(
    media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brand, _admin = brand_with_admin(name="Racing Roasters", slug="racing")
    pack = draft_pack(brand, images=MAX_IMAGES_PER_PACK - 1)
    real_validate = images.validate_image_upload

    def slow_validate(*args: object, **kwargs: object) -> images.ValidatedImage:
        # Widen the window between the count and the insert, where an unlocked race would slip.
        time.sleep(0.3)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr("brandkit.services.reference_packs.validate_image_upload", slow_validate)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def upload(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(reference_pack_add_image(pack=pack, data=image_bytes(index)))
        except PackFull as exc:
            outcomes.append(exc)
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(100 + index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [outcome for outcome in outcomes if isinstance(outcome, ReferenceImage)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, PackFull)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert pack.images.count() == MAX_IMAGES_PER_PACK
    assert winners[0].position == MAX_IMAGES_PER_PACK - 1
