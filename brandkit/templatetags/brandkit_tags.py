"""Template helpers for brand library pages."""

from __future__ import annotations

from django import template

from brandkit.thumbnails import thumbnail_url

register = template.Library()


@register.simple_tag
def thumbnail(file_name: str, sha256: str, max_side: int = 256) -> str:
    """URL of a cached thumbnail, so pages never send a full-size image where a small one does."""
    return thumbnail_url(source_name=file_name, sha256=sha256, max_side=max_side)
