"""Composited posters: a generated image fitted to a template's canvas, with the brand's text and
logo drawn over it exactly.

Pure Pillow: no models and no storage. Callers describe the layout with the dataclasses below
(`brandkit.services.poster_layouts` builds them from a template) and hand over font and logo bytes
keyed by sha256, as `brandkit.template_previews` does.

Text is laid out with Pillow's raqm engine when the installed Pillow has it (the official wheels
do): kerning from the font's GPOS table, right-to-left runs reordered and complex scripts shaped
through HarfBuzz. Without raqm Pillow's basic layout still applies the legacy `kern` table but
draws characters left to right without shaping, so Arabic or Devanagari copy would come out wrong;
`RAQM_AVAILABLE` says which one is in use and the README explains it.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, features

RAQM_AVAILABLE = bool(features.check("raqm"))
LAYOUT_ENGINE = ImageFont.Layout.RAQM if RAQM_AVAILABLE else ImageFont.Layout.BASIC
# Bump when the drawing changes, so a stored poster can say which renderer made it.
RENDERER_VERSION = 1
LINE_SPACING = 1.15  # line advance as a multiple of the font size

Box = tuple[int, int, int, int]  # x, y, width, height
Rect = tuple[int, int, int, int]  # left, top, right, bottom
RGB = tuple[int, int, int]


class TextDoesNotFit(ValueError):
    """Slot text that cannot fit its box within the allowed sizes and lines."""

    def __init__(self, key: str, label: str, reason: str) -> None:
        self.key = key
        self.label = label
        self.message = f"“{label}” does not fit its box on the poster: {reason}"
        super().__init__(self.message)


@dataclass(frozen=True)
class TextSlotLayout:
    """One overlay text box: where, in which font (by sha256) and colour, and how much fits."""

    key: str
    label: str
    box: Box
    font_sha256: str
    color: str  # "#RRGGBB"
    alignment: str = "left"  # left, center or right
    min_size: int = 24
    max_size: int = 96
    max_lines: int = 3


# Anchor name -> (x, y) fraction of the box: where the logo sits in it.
ANCHORS = {
    "top-left": (0.0, 0.0),
    "top": (0.5, 0.0),
    "top-right": (1.0, 0.0),
    "left": (0.0, 0.5),
    "center": (0.5, 0.5),
    "right": (1.0, 0.5),
    "bottom-left": (0.0, 1.0),
    "bottom": (0.5, 1.0),
    "bottom-right": (1.0, 1.0),
}


@dataclass(frozen=True)
class LogoLayout:
    """The logo: contained in its box (aspect kept), placed at the box's anchor."""

    box: Box
    sha256: str
    anchor: str = "center"

    @property
    def anchor_fractions(self) -> tuple[float, float]:
        return ANCHORS.get(self.anchor, (0.5, 0.5))


@dataclass(frozen=True)
class PosterLayout:
    """A template's canvas, overlay text slots, logo, safe area inset and focal point."""

    canvas: tuple[int, int]
    slots: tuple[TextSlotLayout, ...] = ()
    logo: LogoLayout | None = None
    safe_inset: int = 0  # pixels kept clear along every edge
    focal_point: tuple[float, float] = (0.5, 0.5)  # of the source image, 0..1 each way

    @property
    def safe_rect(self) -> Rect:
        width, height = self.canvas
        inset = min(self.safe_inset, width // 2, height // 2)
        return inset, inset, width - inset, height - inset

    def scaled_to(self, width: int, height: int) -> PosterLayout:
        """The layout re-laid out for another size (an export preset).

        Boxes keep their relative positions; font sizes scale with the smaller of the two axis
        factors so text is never stretched, and is fitted again in its new box; the logo keeps
        its aspect, sized by the smaller factor, with its anchor point (a corner, an edge's
        middle or the centre of its box) kept where it was relative to the canvas.
        """
        scale_x, scale_y = width / self.canvas[0], height / self.canvas[1]
        scale = min(scale_x, scale_y)

        def box(b: Box) -> Box:
            return (
                round(b[0] * scale_x),
                round(b[1] * scale_y),
                max(1, round(b[2] * scale_x)),
                max(1, round(b[3] * scale_y)),
            )

        slots = tuple(
            dataclasses.replace(
                slot,
                box=box(slot.box),
                min_size=max(1, int(slot.min_size * scale)),
                max_size=max(1, int(slot.max_size * scale)),
            )
            for slot in self.slots
        )
        logo = None
        if self.logo is not None:
            x, y, w, h = self.logo.box
            ax, ay = self.logo.anchor_fractions
            point_x, point_y = (x + ax * w) * scale_x, (y + ay * h) * scale_y
            new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
            logo = dataclasses.replace(
                self.logo,
                box=(round(point_x - ax * new_w), round(point_y - ay * new_h), new_w, new_h),
            )
        return dataclasses.replace(
            self,
            canvas=(width, height),
            slots=slots,
            logo=logo,
            safe_inset=round(self.safe_inset * scale),
        )


@dataclass(frozen=True)
class FittedText:
    """Text fitted to a box: the size chosen, its lines, and the rectangle the lines occupy."""

    key: str
    size: int
    lines: tuple[str, ...]
    rect: Rect  # where the text block sits on the canvas
    color: str


@dataclass(frozen=True)
class ComposedPoster:
    """The poster, the image under the overlays (for contrast checks), and what went where."""

    image: Image.Image
    background: Image.Image
    texts: tuple[FittedText, ...]
    logo_rect: Rect | None


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=256)
def load_font(data: bytes, size: int) -> ImageFont.FreeTypeFont:
    """The font at `size` (cached: fitting tries many sizes of the same few fonts)."""
    return ImageFont.truetype(io.BytesIO(data), size=size, layout_engine=LAYOUT_ENGINE)


def cover_fit(
    image: Image.Image, size: tuple[int, int], focal_point: tuple[float, float] = (0.5, 0.5)
) -> Image.Image:
    """Scale `image` to cover `size` without distortion and crop the overflow, keeping the
    focal point as close to the centre of the crop as the image allows."""
    width, height = size
    scale = max(width / image.width, height / image.height)
    scaled_w = max(width, round(image.width * scale))
    scaled_h = max(height, round(image.height * scale))
    focal_x = min(1.0, max(0.0, focal_point[0])) * scaled_w
    focal_y = min(1.0, max(0.0, focal_point[1])) * scaled_h
    left = round(min(max(focal_x - width / 2, 0), scaled_w - width))
    top = round(min(max(focal_y - height / 2, 0), scaled_h - height))
    # Crop in source coordinates before resampling: far cheaper than resizing everything.
    box = (
        left / scale,
        top / scale,
        (left + width) / scale,
        (top + height) / scale,
    )
    if image.size == size:
        return image.copy()
    return image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """Greedy word wrap; None when a single word is wider than the box."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if font.getlength(word) > width:
            return None
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


def _block_height(font: ImageFont.FreeTypeFont, size: int, line_count: int) -> int:
    ascent, descent = font.getmetrics()
    return ascent + descent + round(size * LINE_SPACING) * (line_count - 1)


def _fits(
    text: str, data: bytes, size: int, slot: TextSlotLayout
) -> tuple[ImageFont.FreeTypeFont, list[str]] | None:
    font = load_font(data, size)
    lines = _wrap(text, font, slot.box[2])
    if lines is None or len(lines) > slot.max_lines:
        return None
    if _block_height(font, size, len(lines)) > slot.box[3]:
        return None
    return font, lines


def fit_text(text: str, slot: TextSlotLayout, files: Mapping[str, bytes]) -> FittedText:
    """The largest size in the slot's range at which the word-wrapped text fits its box.

    Long text first shrinks, and wraps onto more lines (up to `max_lines`) when that lets it stay
    larger; it never overflows. Raises `TextDoesNotFit` naming the slot when even the smallest
    size does not fit (a word too wide, too many lines, or too tall).
    """
    text = " ".join(text.split())
    data = files.get(slot.font_sha256)
    if data is None:
        raise TextDoesNotFit(slot.key, slot.label, "its brand font is missing.")
    if not text:
        return FittedText(slot.key, slot.min_size, (), _box_rect(slot.box), slot.color)
    low, high = slot.min_size, max(slot.min_size, slot.max_size)
    if _fits(text, data, low, slot) is None:
        raise TextDoesNotFit(
            slot.key,
            slot.label,
            f"even at the smallest size ({low}px) it needs more than {slot.max_lines} "
            f"line(s) of {slot.box[2]}px in a {slot.box[3]}px-high box. Shorten the text.",
        )
    best = low
    while low <= high:  # wrapped width and height only shrink with the size: binary search
        middle = (low + high) // 2
        if _fits(text, data, middle, slot) is not None:
            best, low = middle, middle + 1
        else:
            high = middle - 1
    font, lines = _fits(text, data, best, slot)  # type: ignore[misc]
    x, y, width, height = slot.box
    block_h = _block_height(font, best, len(lines))
    top = y + (height - block_h) // 2
    widths = [font.getlength(line) for line in lines]
    widest = max(widths)
    if slot.alignment == "center":
        left = x + (width - widest) / 2
    elif slot.alignment == "right":
        left = x + width - widest
    else:
        left = x
    rect = (int(left), top, int(left + widest + 0.999), top + block_h)
    return FittedText(slot.key, best, tuple(lines), rect, slot.color)


def _box_rect(box: Box) -> Rect:
    return box[0], box[1], box[0] + box[2], box[1] + box[3]


def draw_text(image: Image.Image, fitted: FittedText, slot: TextSlotLayout, data: bytes) -> None:
    font = load_font(data, fitted.size)
    draw = ImageDraw.Draw(image)
    x, _y, width, _h = slot.box
    ascent, _descent = font.getmetrics()
    fill = (*hex_rgb(fitted.color), 255)
    for index, line in enumerate(fitted.lines):
        baseline = fitted.rect[1] + ascent + round(fitted.size * LINE_SPACING) * index
        if slot.alignment == "center":
            position, anchor = (x + width / 2, baseline), "ms"
        elif slot.alignment == "right":
            position, anchor = (x + width, baseline), "rs"
        else:
            position, anchor = (x, baseline), "ls"
        draw.text(position, line, font=font, fill=fill, anchor=anchor, features=_features())


def _features() -> list[str] | None:
    # Kerning and standard ligatures; feature lists need raqm (basic layout kerns by default).
    return ["kern", "liga"] if RAQM_AVAILABLE else None


def fit_all(
    layout: PosterLayout, values: Mapping[str, str], files: Mapping[str, bytes]
) -> tuple[FittedText, ...]:
    """Fit every overlay slot (raises `TextDoesNotFit` for the first that cannot fit)."""
    return tuple(fit_text(values.get(slot.key, ""), slot, files) for slot in layout.slots)


def open_logo(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=["PNG", "WEBP", "JPEG"]) as opened:
        return opened.convert("RGBA")


def place_logo(image: Image.Image, logo: LogoLayout, files: Mapping[str, bytes]) -> Rect | None:
    """Draw the logo contained in its box; the rectangle it covers, or None if it is missing."""
    data = files.get(logo.sha256)
    if not data:
        return None
    picture = open_logo(data)
    x, y, width, height = logo.box
    scale = min(width / picture.width, height / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    ax, ay = logo.anchor_fractions
    left, top = x + round((width - size[0]) * ax), y + round((height - size[1]) * ay)
    image.alpha_composite(picture, dest=(left, top))
    return left, top, left + size[0], top + size[1]


def compose_poster(
    source: Image.Image,
    layout: PosterLayout,
    values: Mapping[str, str],
    files: Mapping[str, bytes],
) -> ComposedPoster:
    """Fit `source` to the canvas (cover, focal point), draw the overlay text and the logo."""
    texts = fit_all(layout, values, files)  # refuse before any drawing
    background = cover_fit(source.convert("RGB"), layout.canvas, layout.focal_point)
    image = background.convert("RGBA")
    for fitted, slot in zip(texts, layout.slots, strict=True):
        if fitted.lines:
            draw_text(image, fitted, slot, files[slot.font_sha256])
    logo_rect = place_logo(image, layout.logo, files) if layout.logo is not None else None
    return ComposedPoster(
        image=image.convert("RGB"), background=background, texts=texts, logo_rect=logo_rect
    )


def placeholder_image(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    """A vertical gradient between two brand colours: the designer's stand-in for a model image."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(
        Image.new("RGB", size, hex_rgb(bottom)), Image.new("RGB", size, hex_rgb(top)), mask
    )


def draw_guides(image: Image.Image, layout: PosterLayout) -> None:
    """Outline the safe area, the text boxes and the logo box (designer previews only)."""
    draw = ImageDraw.Draw(image)
    width = max(1, round(max(layout.canvas) / 400))
    left, top, right, bottom = layout.safe_rect
    draw.rectangle((left, top, right - 1, bottom - 1), outline=(0, 200, 255), width=width)
    for slot in layout.slots:
        x, y, w, h = slot.box
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline=(255, 0, 180), width=width)
    if layout.logo is not None:
        x, y, w, h = layout.logo.box
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline=(255, 180, 0), width=width)
