"""Thumbnails of stored images, made once per (file, size) and kept beside the originals.

Originals are content-addressed and never rewritten, so a thumbnail named after the original's
sha256 never goes stale and can be served with long-lived cache headers.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from brandkit.images import make_thumbnail


def thumbnail_name(*, sha256: str, max_side: int) -> str:
    return f"thumbs/{sha256[:2]}/{sha256}-{max_side}.webp"


def thumbnail_url(*, source_name: str, sha256: str, max_side: int = 256) -> str:
    """URL of the thumbnail of a stored image, making it on first use."""
    name = thumbnail_name(sha256=sha256, max_side=max_side)
    if not default_storage.exists(name):
        with default_storage.open(source_name, "rb") as source:
            data = make_thumbnail(source.read(), max_side=max_side, format="WEBP")
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent request made it first; same bytes
            default_storage.delete(saved)
    return default_storage.url(name)
