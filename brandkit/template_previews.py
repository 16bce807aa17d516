"""Previews of poster templates: the canvas with its text slot boxes and logo box, as a PNG.

Pure Pillow: no models and no storage. Callers describe a template with the dataclasses below and
hand over the font and logo bytes, keyed by their sha256. `preview_digest` names a preview by its
inputs (fonts and logo by their content hashes), so a changed template, palette, font or logo, or
a new version of this drawing code, gets a new preview, and a stored one never goes stale.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

# Bump when the drawing changes, so previews already stored are not served for the new look.
RENDERER_VERSION = 1
DEFAULT_MAX_SIDE = 800
MIN_LABEL_SIZE = 8
LOGO_OUTLINE = "#8A93A3"
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[int, int, int, int]  # x, y, width, height on the template's canvas
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class PreviewSlot:
    """A text slot as the preview draws it: its box, label, colour, font and largest size."""

    label: str
    box: Box
    color: str  # "#RRGGBB"
    font_sha256: str = ""  # "" draws the label in Pillow's default font
    alignment: str = "left"  # left, center or right
    font_size: int = 96  # the slot's largest size, on the canvas


@dataclass(frozen=True)
class PreviewLogo:
    """The logo box; without a logo file (`sha256` "") it is drawn empty with its label."""

    box: Box
    label: str
    sha256: str = ""


@dataclass(frozen=True)
class TemplatePreviewSpec:
    """Everything a preview shows. Fonts and the logo are named by sha256, not carried."""

    canvas: tuple[int, int]
    background: str  # "#RRGGBB"
    slots: tuple[PreviewSlot, ...] = ()
    logo: PreviewLogo | None = None
    max_side: int = DEFAULT_MAX_SIDE

    @property
    def file_hashes(self) -> set[str]:
        """The sha256 of every font and logo file the preview needs."""
        hashes = {slot.font_sha256 for slot in self.slots}
        if self.logo is not None:
            hashes.add(self.logo.sha256)
        return hashes - {""}


def preview_digest(spec: TemplatePreviewSpec) -> str:
    """The sha256 of the preview's inputs (canonical JSON), used as its storage name."""
    canonical = json.dumps(
        {"renderer": RENDERER_VERSION, "spec": dataclasses.asdict(spec)},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def preview_size(spec: TemplatePreviewSpec) -> tuple[int, int]:
    """The preview's pixel size: the canvas scaled so its longer side is `max_side`."""
    scale = _scale(spec)
    width, height = spec.canvas
    return max(1, round(width * scale)), max(1, round(height * scale))


def render_template_preview(spec: TemplatePreviewSpec, *, files: Mapping[str, bytes]) -> bytes:
    """Draw the preview and return PNG bytes (deterministic for the same inputs).

    `files` maps sha256 to the bytes of the fonts and logo the spec names. A missing or unreadable
    font falls back to Pillow's default font; a missing or unreadable logo leaves the box empty.
    """
    scale = _scale(spec)
    image = Image.new("RGBA", preview_size(spec), (*_rgb(spec.background), 255))
    for slot in spec.slots:
        _draw_slot(image, slot, scale, spec.background, files)
    if spec.logo is not None:
        _draw_logo(image, spec.logo, scale, files)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _scale(spec: TemplatePreviewSpec) -> float:
    if spec.max_side < 1 or min(spec.canvas) < 1:
        raise ValueError("canvas sides and max_side must be positive")
    return spec.max_side / max(spec.canvas)


def _rgb(hex_color: str) -> RGB:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _scaled_box(box: Box, scale: float) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in preview pixels, at least one pixel wide and high."""
    x, y, width, height = box
    left, top = round(x * scale), round(y * scale)
    return (
        left,
        top,
        max(left + 1, round((x + width) * scale)),
        max(top + 1, round((y + height) * scale)),
    )


def _luminance(rgb: RGB) -> float:
    """WCAG relative luminance."""
    channels = [value / 255 for value in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: RGB, second: RGB) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _label_color(slot_rgb: RGB, background: RGB) -> RGB:
    """The slot's colour, unless it would vanish on the background (then black or white)."""
    if _contrast(slot_rgb, background) >= 3:
        return slot_rgb
    black, white = (0, 0, 0), (255, 255, 255)
    return black if _contrast(black, background) >= _contrast(white, background) else white


def _font(data: bytes | None, size: int) -> Font:
    if data:
        try:
            return ImageFont.truetype(io.BytesIO(data), size=size)
        except _DECODE_ERRORS:
            pass
    return ImageFont.load_default(size=size)


def _fitted_label(
    text: str, data: bytes | None, largest: int, width: int, height: int
) -> tuple[str, Font]:
    """The largest font size (binary search) at which `text` fits the box; if it never fits,
    the smallest size with the text shortened and ended with '...'."""

    def fits(candidate: str, font: Font) -> bool:
        left, top, right, bottom = font.getbbox(candidate)
        return right - left <= width and bottom - top <= height

    low, high = MIN_LABEL_SIZE, max(MIN_LABEL_SIZE, largest)
    best: Font | None = None
    while low <= high:
        middle = (low + high) // 2
        font = _font(data, middle)
        if fits(text, font):
            best, low = font, middle + 1
        else:
            high = middle - 1
    if best is not None:
        return text, best
    font = _font(data, MIN_LABEL_SIZE)
    for end in range(len(text) - 1, 0, -1):
        shortened = text[:end].rstrip() + "..."
        if fits(shortened, font):
            return shortened, font
    return "", font


def _draw_slot(
    image: Image.Image,
    slot: PreviewSlot,
    scale: float,
    background: str,
    files: Mapping[str, bytes],
) -> None:
    left, top, right, bottom = _scaled_box(slot.box, scale)
    slot_rgb = _rgb(slot.color)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((left, top, right - 1, bottom - 1), fill=(*slot_rgb, 36))
    draw.rectangle((left, top, right - 1, bottom - 1), outline=(*slot_rgb, 255), width=2)
    image.alpha_composite(overlay)

    padding = max(3, round(min(right - left, bottom - top) * 0.15))
    text, font = _fitted_label(
        slot.label,
        files.get(slot.font_sha256) if slot.font_sha256 else None,
        round(slot.font_size * scale),
        right - left - 2 * padding,
        bottom - top - 2 * padding,
    )
    if not text:
        return
    text_left, text_top, text_right, text_bottom = font.getbbox(text)
    text_width = text_right - text_left
    if slot.alignment == "center":
        x = left + (right - left - text_width) / 2
    elif slot.alignment == "right":
        x = right - padding - text_width
    else:
        x = left + padding
    y = top + (bottom - top - (text_bottom - text_top)) / 2
    color = _label_color(slot_rgb, _rgb(background))
    ImageDraw.Draw(image).text(
        (round(x - text_left), round(y - text_top)), text, font=font, fill=(*color, 255)
    )


def _draw_logo(
    image: Image.Image, logo: PreviewLogo, scale: float, files: Mapping[str, bytes]
) -> None:
    left, top, right, bottom = _scaled_box(logo.box, scale)
    draw = ImageDraw.Draw(image)
    draw.rectangle((left, top, right - 1, bottom - 1), outline=(*_rgb(LOGO_OUTLINE), 255))
    picture = _logo_picture(files.get(logo.sha256) if logo.sha256 else None)
    if picture is None:
        text, font = _fitted_label(logo.label, None, 14, right - left - 4, bottom - top - 4)
        if text:
            draw.text(
                ((left + right) / 2, (top + bottom) / 2),
                text,
                font=font,
                fill=(*_rgb(LOGO_OUTLINE), 255),
                anchor="mm",
            )
        return
    picture.thumbnail((right - left, bottom - top), Image.Resampling.LANCZOS)
    offset = (
        left + (right - left - picture.width) // 2,
        top + (bottom - top - picture.height) // 2,
    )
    image.alpha_composite(picture, dest=offset)


def _logo_picture(data: bytes | None) -> Image.Image | None:
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "WEBP"]) as opened:
            return opened.convert("RGBA")
    except _DECODE_ERRORS:
        return None
