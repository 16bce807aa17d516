"""Thumbnails of stored images and previews of poster templates, made once and kept in storage.

Originals are content-addressed and never rewritten, so a thumbnail named after the original's
sha256 never goes stale and can be served with long-lived cache headers. A template preview is
named by the hash of everything it shows, so the same holds for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from brandkit.images import make_thumbnail
from brandkit.template_previews import (
    TemplatePreviewSpec,
    preview_digest,
    render_template_preview,
)


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


def template_preview_name(spec: TemplatePreviewSpec) -> str:
    digest = preview_digest(spec)
    return f"previews/{digest[:2]}/{digest}-{spec.max_side}.png"


def template_preview_url(*, spec: TemplatePreviewSpec, file_names: Mapping[str, str]) -> str:
    """URL of a poster template's preview, drawing it on first use.

    `file_names` maps the sha256 of each font and logo the spec names to its storage name; the
    files are read only when the preview has to be drawn.
    """
    name = template_preview_name(spec)
    if not default_storage.exists(name):
        files: dict[str, bytes] = {}
        for sha256 in spec.file_hashes:
            if sha256 in file_names and default_storage.exists(file_names[sha256]):
                with default_storage.open(file_names[sha256], "rb") as stored:
                    files[sha256] = stored.read()
        saved = default_storage.save(name, ContentFile(render_template_preview(spec, files=files)))
        if saved != name:  # a concurrent request made it first; same bytes
            default_storage.delete(saved)
    return default_storage.url(name)
