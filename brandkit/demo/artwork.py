"""Deterministic demo artwork (a logo and reference images), drawn with Pillow."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
HEADING_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
BODY_FONT = FONTS_DIR / "DejaVuSans.ttf"


def _hex_to_rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def logo_png(*, name: str, primary: str, accent: str, size: int = 512) -> bytes:
    """A round mark with the brand's initial and a transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=_hex_to_rgb(primary))
    draw.pieslice((8, 8, size - 8, size - 8), start=300, end=360, fill=_hex_to_rgb(accent))
    font = ImageFont.truetype(str(HEADING_FONT), size=int(size * 0.5))
    draw.text((size / 2, size / 2), name[:1].upper(), font=font, fill="white", anchor="mm")
    return _png(image)


def reference_png(*, index: int, palette: list[str], size: int = 768) -> bytes:
    """A product-style study: a bottle silhouette on a palette gradient, different per index."""
    colors = [_hex_to_rgb(color) for color in palette]
    background, product, accent = (colors[(index + k) % len(colors)] for k in range(3))
    gradient = Image.linear_gradient("L").resize((size, size)).rotate(index * 40)
    image = Image.composite(
        Image.new("RGB", (size, size), background),
        Image.new("RGB", (size, size), accent),
        gradient,
    )
    draw = ImageDraw.Draw(image)
    width = size // 4 + index * 12
    left = (size - width) // 2
    draw.rounded_rectangle((left, size // 3, left + width, size - 80), radius=40, fill=product)
    draw.rectangle((left + width // 3, size // 5, left + 2 * width // 3, size // 3), fill=product)
    draw.ellipse((left + 20, size // 2, left + width - 20, size // 2 + width - 40), fill=accent)
    return _png(image)
