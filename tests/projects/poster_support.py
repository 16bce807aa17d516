"""A brand dressed for posters (palette, fonts, logo) and a template with overlay slots, a logo
and export presets; versions made from it through the real pipeline."""

from __future__ import annotations

import io
from typing import Any

from django.test import TestCase
from PIL import Image

from brandkit.choices import ColorRole, FontRole, LogoVariant
from brandkit.models import BrandColor, PosterTemplate
from brandkit.services.brands import brand_font_set, brand_logo_set
from brandkit.services.poster_templates import (
    poster_template_create,
    poster_template_publish,
    poster_template_set_slot,
)
from projects.models import AssetVersion
from tests.brandkit.hostile_samples import DEJAVU_SANS, DEJAVU_SANS_BOLD
from tests.projects.generation_support import ask

PRESETS = [
    {"name": "Square", "width": 1080, "height": 1080},
    {"name": "Portrait", "width": 1080, "height": 1350},
    {"name": "Story", "width": 1080, "height": 1920},
    {"name": "Link", "width": 1200, "height": 628},
    {"name": "A4 300dpi", "width": 2480, "height": 3508},
]


def logo_png() -> bytes:
    image = Image.new("RGBA", (300, 150), (0, 0, 0, 0))
    image.paste((242, 107, 29, 255), (0, 0, 300, 150))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def dress_brand(brand: Any) -> None:
    for position, (name, hex_value, role) in enumerate(
        [
            ("Navy", "#0A3D62", ColorRole.PRIMARY),
            ("Orange", "#F26B1D", ColorRole.ACCENT),
            ("Cream", "#FAF6F0", ColorRole.BACKGROUND),
            ("White", "#FFFFFF", ColorRole.TEXT),
        ]
    ):
        BrandColor.objects.create(
            brand=brand, name=name, hex=hex_value, role=role, position=position
        )
    brand_font_set(brand=brand, role=FontRole.HEADING, data=DEJAVU_SANS_BOLD.read_bytes())
    brand_font_set(brand=brand, role=FontRole.BODY, data=DEJAVU_SANS.read_bytes())
    brand_logo_set(brand=brand, variant=LogoVariant.PRIMARY, data=logo_png())


def poster_template(brand: Any, admin: Any, *, name: str = "Sale poster") -> PosterTemplate:
    dress_brand(brand)
    template = poster_template_create(
        brand=brand,
        name=name,
        prompt_template="A bright product photo of {product}",
        canvas_width=1024,
        canvas_height=1024,
        export_sizes=PRESETS,
        logo_variant=LogoVariant.PRIMARY,
        logo_box_x=760,
        logo_box_y=860,
        logo_box_width=200,
        logo_box_height=100,
        safe_inset=40,
    )
    poster_template_set_slot(
        template=template,
        key="product",
        label="Product",
        rendering="prompt",
        box_x=60,
        box_y=60,
        box_width=900,
        box_height=100,
    )
    poster_template_set_slot(
        template=template,
        key="headline",
        label="Headline",
        position=1,
        box_x=60,
        box_y=600,
        box_width=900,
        box_height=240,
        font_role=FontRole.HEADING,
        min_font_size=24,
        max_font_size=120,
        max_characters=80,
        max_lines=2,
    )
    return poster_template_publish(template=template, user=admin)


def poster_version(studio: Any, template: PosterTemplate, **values: str) -> AssetVersion:
    slot_values = {"product": "cold brew", "headline": "Summer sale", **values}
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(
            studio,
            provider="local",
            size="1280x720",
            prompt="",
            poster_template_id=template.pk,
            slot_values=slot_values,
        )
    return AssetVersion.objects.select_related("asset", "poster").get(generation=generation)
