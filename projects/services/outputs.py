"""Store provider outputs and turn them into assets and immutable versions.

Files are written before the database transaction that references them (content-addressed, so a
repeat writes nothing new); a crash between the two leaves an unreferenced file, which
`output_orphans_delete` removes. No version ever points at a file that was not written first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone
from PIL import Image

from brandkit.images import make_thumbnail
from brandkit.storage import store_content_addressed
from brandkit.thumbnails import thumbnail_name
from projects.image_slots import image_work
from projects.models import Asset, AssetVersion, Generation, Reproduction
from projects.provenance import detect_c2pa
from projects.providers.outputs import THUMBNAIL_SIDE
from projects.services.asset_search_text import search_text_with
from projects.services.posters import version_posters_enqueue

if TYPE_CHECKING:
    from projects.providers.base import OutputImage

OUTPUTS_FOLDER = "outputs"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True)
class StoredOutput:
    index: int
    name: str
    sha256: str
    content_type: str
    width: int
    height: int
    byte_size: int
    thumbnail_name: str
    provenance: dict[str, object] = field(default_factory=dict)


def output_store(image: OutputImage) -> StoredOutput:
    """Write one output image and its thumbnail to storage (outside any transaction)."""
    assert image.data is not None  # noqa: S101 (callers pass successful outputs only)
    extension = EXTENSIONS.get(image.content_type, "jpg")
    name, sha256 = store_content_addressed(image.data, folder=OUTPUTS_FOLDER, extension=extension)
    with Image.open(io.BytesIO(image.data)) as decoded:
        width, height = decoded.size
    thumb = thumbnail_name(sha256=sha256, max_side=THUMBNAIL_SIDE)
    if not default_storage.exists(thumb):
        thumbnail = image.thumbnail  # made while the provider layer verified the bytes
        if not thumbnail:
            with image_work():  # a decode: bounded per process (projects/image_slots.py)
                thumbnail = make_thumbnail(image.data, max_side=THUMBNAIL_SIDE)
        default_storage.save(thumb, ContentFile(thumbnail))
    return StoredOutput(
        index=image.index,
        name=name,
        sha256=sha256,
        content_type=image.content_type,
        width=width,
        height=height,
        byte_size=len(image.data),
        thumbnail_name=thumb,
        # The bytes are stored as the provider sent them, so a manifest in them stays valid.
        provenance=detect_c2pa(image.data, image.content_type),
    )


def _asset_title(generation: Generation, index: int) -> str:
    base = generation.poster_template.name if generation.poster_template else generation.prompt
    base = " ".join(base.split())[:120]
    if generation.expected_images > 1:
        return f"{base} ({index + 1}/{generation.expected_images})"
    return base


def output_versions_create(
    *, generation: Generation, outputs: list[StoredOutput]
) -> list[AssetVersion]:
    """Create one version per stored output. Must run inside the transaction that finishes the
    generation. An edit adds versions to the edited asset; anything else makes new assets."""
    versions = []
    source = generation.source_version
    for output in outputs:
        if source is not None:
            asset = Asset.objects.select_for_update().get(pk=source.asset_id)
            number = (asset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        else:
            title = _asset_title(generation, output.index)
            asset = Asset.objects.create(
                campaign_id=generation.campaign_id,
                title=title,
                search_text=search_text_with("", title),
                created_by_id=generation.requested_by_id,
            )
            number = 1  # created just now in this transaction: no versions to count
        version = AssetVersion.objects.create(
            asset=asset,
            number=number,
            generation=generation,
            output_index=output.index,
            parent=source,
            image=output.name,
            image_sha256=output.sha256,
            content_type=output.content_type,
            width=output.width,
            height=output.height,
            byte_size=output.byte_size,
            thumbnail=output.thumbnail_name,
            provenance=output.provenance,
            created_by_id=generation.requested_by_id,
        )
        asset.latest_version = version
        asset.search_text = search_text_with(asset.search_text, generation.prompt)
        asset.save(update_fields=["latest_version", "search_text", "updated_at"])
        versions.append(version)
    # Posters are drawn by a job after the commit, so a slow poster never holds this transaction.
    version_posters_enqueue(versions=versions)
    return versions


def _is_referenced(name: str) -> bool:
    return (
        AssetVersion.objects.filter(image=name).exists()
        or Reproduction.objects.filter(output_image=name).exists()
    )


def output_restore_missing(*, image: OutputImage, stored: StoredOutput) -> None:
    """Write an output again if its file vanished after it was stored: identical bytes stored
    earlier may have been an old orphan that the cleanup removed meanwhile. Call inside the
    finishing transaction, just before the version that references it commits."""
    if image.data is not None and not default_storage.exists(stored.name):
        default_storage.save(stored.name, ContentFile(image.data))


def output_orphans_delete(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete output files (and their thumbnails) that no version references, once they are old
    enough that no finishing generation can still be about to reference them."""
    cutoff = timezone.now() - older_than
    referenced = set(AssetVersion.objects.values_list("image", flat=True)) | set(
        Reproduction.objects.exclude(output_image="").values_list("output_image", flat=True)
    )
    deleted: list[str] = []
    try:
        shards, _files = default_storage.listdir(OUTPUTS_FOLDER)
    except FileNotFoundError:
        return deleted
    for shard in shards:
        _subdirs, files = default_storage.listdir(f"{OUTPUTS_FOLDER}/{shard}")
        for file_name in files:
            name = f"{OUTPUTS_FOLDER}/{shard}/{file_name}"
            if name in referenced or default_storage.get_modified_time(name) > cutoff:
                continue
            if _is_referenced(name):
                continue  # a version committed since `referenced` was read
            default_storage.delete(name)
            sha256 = file_name.split(".", 1)[0]
            thumb = thumbnail_name(sha256=sha256, max_side=THUMBNAIL_SIDE)
            if default_storage.exists(thumb):
                default_storage.delete(thumb)
            deleted.append(name)
    return deleted
