"""Template helpers for brand library pages."""

from __future__ import annotations

from django import template

from brandkit.models import Brand, PosterTemplate
from brandkit.selectors import poster_template_preview_spec
from brandkit.template_previews import DEFAULT_MAX_SIDE
from brandkit.thumbnails import template_preview_url, thumbnail_url

register = template.Library()


@register.simple_tag
def thumbnail(file_name: str, sha256: str, max_side: int = 256) -> str:
    """URL of a cached thumbnail, so pages never send a full-size image where a small one does."""
    return thumbnail_url(source_name=file_name, sha256=sha256, max_side=max_side)


@register.simple_tag
def template_preview(
    poster_template: PosterTemplate, brand: Brand, max_side: int = DEFAULT_MAX_SIDE
) -> str:
    """URL of a poster template's cached preview, drawn at `max_side` (small for lists)."""
    spec, file_names = poster_template_preview_spec(
        template=poster_template, brand=brand, max_side=max_side
    )
    return template_preview_url(spec=spec, file_names=file_names)
