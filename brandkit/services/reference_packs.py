"""Writes on reference packs: create, add/remove/caption/reorder images, publish, archive, new
version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from brandkit.choices import AuditVerb, PackPurpose, VersionStatus
from brandkit.exceptions import InvalidTransition, PackFull
from brandkit.images import validate_image_upload
from brandkit.models import MAX_IMAGES_PER_PACK, Brand, ReferenceImage, ReferencePack
from brandkit.services.versioning import (
    ensure_editable,
    ensure_transition,
    next_version_number,
    open_draft,
    version_archive,
    version_publish,
)
from brandkit.storage import store_content_addressed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def reference_pack_create(
    *, brand: Brand, name: str, purpose: str, description: str = ""
) -> ReferencePack:
    """Start a new pack as version 1, a draft."""
    pack = ReferencePack(
        brand=brand, name=name, purpose=PackPurpose(purpose), description=description, version=1
    )
    pack.full_clean()
    pack.save()
    return pack


@transaction.atomic
def reference_pack_update(
    *, pack: ReferencePack, purpose: str | None = None, description: str | None = None
) -> ReferencePack:
    pack = ReferencePack.objects.select_for_update().get(pk=pack.pk)
    ensure_editable(pack)
    if purpose is not None:
        pack.purpose = PackPurpose(purpose)
    if description is not None:
        pack.description = description
    pack.full_clean()
    pack.save(update_fields=["purpose", "description", "updated_at"])
    return pack


@transaction.atomic
def reference_pack_add_image(
    *, pack: ReferencePack, data: bytes, caption: str = ""
) -> ReferenceImage:
    """Validate an upload and append it to a draft pack.

    Raises `ImageRejected` (bad file), `PackFull` (already 10 images) or `ImmutableVersion`
    (not a draft). The pack row is locked so two uploads cannot both take the tenth place.
    """
    pack = ReferencePack.objects.select_for_update().get(pk=pack.pk)
    ensure_editable(pack)
    count = pack.images.count()
    if count >= MAX_IMAGES_PER_PACK:
        raise PackFull(
            f"{pack} already has {MAX_IMAGES_PER_PACK} images, the most every Seedream model "
            "takes in one request; remove one first."
        )
    image = validate_image_upload(
        data, max_bytes=settings.MAX_UPLOAD_BYTES, max_pixels=settings.MAX_UPLOAD_PIXELS
    )
    if pack.images.filter(sha256=image.sha256).exists():
        raise PackFull(f"This image is already in {pack}.")
    name, sha256 = store_content_addressed(
        image.data, folder="references", extension=image.extension
    )
    last_position = pack.images.aggregate(n=Max("position"))["n"]
    reference = ReferenceImage(
        pack=pack,
        position=0 if last_position is None else last_position + 1,
        file=name,
        sha256=sha256,
        width=image.width,
        height=image.height,
        format=image.format,
        caption=caption,
    )
    reference.full_clean()
    reference.save()
    return reference


@transaction.atomic
def reference_pack_remove_image(*, image: ReferenceImage) -> None:
    """Remove an image from a draft pack. The stored file stays: other versions may share it."""
    pack = ReferencePack.objects.select_for_update().get(pk=image.pack_id)
    ensure_editable(pack)
    image.delete()


@transaction.atomic
def reference_pack_update_image(*, image: ReferenceImage, caption: str) -> ReferenceImage:
    """Change the caption of an image of a draft pack."""
    pack = ReferencePack.objects.select_for_update().get(pk=image.pack_id)
    ensure_editable(pack)
    image.caption = caption
    image.full_clean()
    image.save(update_fields=["caption"])
    return image


@transaction.atomic
def reference_pack_reorder(*, pack: ReferencePack, image_ids: list[int]) -> None:
    """Put a draft pack's images in the order given (every image id exactly once)."""
    pack = ReferencePack.objects.select_for_update().get(pk=pack.pk)
    ensure_editable(pack)
    images = {image.pk: image for image in pack.images.all()}
    if sorted(image_ids) != sorted(images):
        raise InvalidTransition("The new order must list every image of the pack exactly once.")
    # Two passes keep (pack, position) unique at every step without deferrable constraints.
    offset = len(images) + 1000
    for position, image_id in enumerate(image_ids):
        images[image_id].position = offset + position
        images[image_id].save(update_fields=["position"])
    for position, image_id in enumerate(image_ids):
        images[image_id].position = position
        images[image_id].save(update_fields=["position"])


@transaction.atomic
def reference_pack_publish(*, pack: ReferencePack, user: AbstractBaseUser) -> ReferencePack:
    """Freeze a draft: from now on it is what generations may use, and it never changes."""
    pack = ReferencePack.objects.select_for_update().get(pk=pack.pk)
    ensure_transition(pack, VersionStatus.PUBLISHED)
    image_count = pack.images.count()
    if not image_count:
        raise InvalidTransition(f"{pack} has no images; add at least one before publishing.")
    version_publish(pack, user=user, verb=AuditVerb.PACK_PUBLISHED, data={"images": image_count})
    return pack


@transaction.atomic
def reference_pack_archive(
    *, pack: ReferencePack, user: AbstractBaseUser | None = None
) -> ReferencePack:
    pack = ReferencePack.objects.select_for_update().get(pk=pack.pk)
    version_archive(pack, user=user, verb=AuditVerb.PACK_ARCHIVED)
    return pack


@transaction.atomic
def reference_pack_new_version(*, pack: ReferencePack) -> ReferencePack:
    """Edit a published pack: a draft version n + 1 with the same images (same stored files).

    If a draft of this pack already exists it is returned, so "edit" never forks two drafts.
    """
    existing = open_draft(ReferencePack, pack)
    if existing is not None:
        return existing
    draft = ReferencePack.objects.create(
        brand_id=pack.brand_id,
        name=pack.name,
        purpose=pack.purpose,
        description=pack.description,
        version=next_version_number(ReferencePack, brand_id=pack.brand_id, name=pack.name),
        derived_from=pack,
    )
    ReferenceImage.objects.bulk_create(
        ReferenceImage(
            pack=draft,
            position=image.position,
            file=image.file.name,
            sha256=image.sha256,
            width=image.width,
            height=image.height,
            format=image.format,
            caption=image.caption,
        )
        for image in pack.images.all()
    )
    return draft
