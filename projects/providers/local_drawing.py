"""Package-private drawing helpers for the local renderer: randomness, palette, text, marks.

Everything here is deterministic. Randomness comes from `HashStream` (SHAKE-256 of a seed), not
from `random`, so the output cannot drift with the Python version. Text uses Pillow's embedded
scalable font (`ImageFont.load_default(size=...)`), so no font file is needed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

RGB = tuple[int, int, int]

PREVIEW_LABEL = "LOCAL PREVIEW - not Seedream"
WATERMARK_TEXT = "AI generated"
JPEG_QUALITY = 90  # fixed, like Seedream's JPEG output; with fixed subsampling it is reproducible
HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6})\b")
LABEL_BACKGROUND: RGB = (12, 12, 16)
LABEL_FOREGROUND: RGB = (255, 214, 0)  # a warning yellow, so the label reads as a label

# The embedded font covers ASCII only; map common typography to ASCII so prompts stay readable
# instead of turning into boxes.
_ASCII_FALLBACKS = str.maketrans(
    {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
)


class HashStream:
    """An endless deterministic byte stream (SHAKE-256 of a seed) with a few random helpers."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0

    def bytes(self, count: int) -> bytes:
        """The next `count` bytes of the stream."""
        self._counter += 1
        block = hashlib.shake_256(self._seed + self._counter.to_bytes(8, "big"))
        return block.digest(count)

    def unit(self) -> float:
        """A float in [0, 1)."""
        return int.from_bytes(self.bytes(7), "big") / 2**56

    def between(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()

    def integer(self, low: int, high: int) -> int:
        """An int in [low, high], inclusive."""
        return low + int(self.unit() * (high - low + 1))

    def child(self, label: str) -> HashStream:
        """An independent stream for one part of the drawing."""
        return HashStream(hashlib.sha256(self._seed + label.encode()).digest())


def palette_from_prompt(prompt: str) -> tuple[RGB, ...]:
    """The `#RRGGBB` colours named in a prompt, in order, without duplicates."""
    colours: list[RGB] = []
    for match in HEX_COLOUR.finditer(prompt):
        value = int(match.group(1), 16)
        colour = (value >> 16, (value >> 8) & 0xFF, value & 0xFF)
        if colour not in colours:
            colours.append(colour)
    return tuple(colours)


def derived_colour(stream: HashStream) -> RGB:
    """A pleasant colour from the stream: any hue, moderate saturation and lightness."""
    hue = stream.unit()
    saturation = stream.between(0.35, 0.75)
    value = stream.between(0.45, 0.95)
    image = Image.new("HSV", (1, 1), (int(hue * 255), int(saturation * 255), int(value * 255)))
    red, green, blue = image.convert("RGB").getpixel((0, 0))  # type: ignore[misc]
    return (red, green, blue)


def build_palette(prompt: str, stream: HashStream, *, size: int = 4) -> tuple[RGB, ...]:
    """The brand's prompt colours first, topped up with colours derived from the stream."""
    colours = list(palette_from_prompt(prompt))[:8]
    while len(colours) < size:
        colours.append(derived_colour(stream))
    return tuple(colours)


def luminance(colour: RGB) -> float:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


@functools.lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's embedded scalable font at `size` pixels."""
    return ImageFont.load_default(size=max(8, size))


def ascii_text(text: str) -> str:
    """Text the embedded font can draw: accents stripped, other non-ASCII shown as '?'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_FALLBACKS))
    kept = (char for char in decomposed if not unicodedata.combining(char))
    return "".join(char if " " <= char <= "~" else "?" for char in kept if char not in "\r\t\n")


def wrap_text(
    text: str, typeface: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int, lines: int
) -> list[str]:
    """Greedy word wrap into at most `lines` lines of `width` pixels; '...' marks a cut."""
    words = ascii_text(text).split()
    wrapped: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if typeface.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            wrapped.append(current)
        current = word
        if len(wrapped) == lines:
            break
    if current and len(wrapped) < lines:
        wrapped.append(current)
    is_cut = len(" ".join(wrapped)) < len(" ".join(words))
    wrapped = [_ellipsize(line, typeface, width, force=False) for line in wrapped[:lines]]
    if is_cut and wrapped:
        wrapped[-1] = _ellipsize(wrapped[-1], typeface, width, force=True)
    return wrapped


def _ellipsize(
    line: str, typeface: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int, *, force: bool
) -> str:
    if not force and typeface.getlength(line) <= width:
        return line
    while line and typeface.getlength(line + "...") > width:
        line = line[:-1]
    return line.rstrip() + "..."


def shade_box(
    image: Image.Image, box: tuple[int, int, int, int], colour: RGB, alpha: float
) -> None:
    """Blend a solid colour over one rectangle of the image, in place (only that region)."""
    region = image.crop(box)
    image.paste(Image.blend(region, Image.new("RGB", region.size, colour), alpha), box[:2])


def label_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where the preview label sits: a banner across the top of every local image."""
    return (0, 0, width, max(18, round(min(width, height) * 0.05)))


def draw_preview_label(
    image: Image.Image, *, palette: Sequence[RGB] = (), note: str = ""
) -> tuple[int, int, int, int]:
    """Draw the "LOCAL PREVIEW - not Seedream" banner (plus palette swatches and a note such as
    "2/4") so nobody mistakes a local render for model output. Returns the banner box."""
    box = label_box(*image.size)
    banner_height = box[3]
    shade_box(image, box, LABEL_BACKGROUND, 0.88)
    draw = ImageDraw.Draw(image)
    margin = max(4, banner_height // 4)
    typeface = font(round(banner_height * 0.6))
    swatch = banner_height - 2 * margin
    swatches_width = len(palette) * (swatch + margin)
    note_width = int(typeface.getlength(note)) + margin if note else 0
    text_width = image.width - 2 * margin - swatches_width - note_width
    label = _ellipsize(PREVIEW_LABEL, typeface, max(text_width, 1), force=False)
    draw.text((margin, banner_height / 2), label, fill=LABEL_FOREGROUND, font=typeface, anchor="lm")
    right = image.width - margin
    if note:
        draw.text((right, banner_height / 2), note, fill="white", font=typeface, anchor="rm")
        right -= note_width
    for colour in reversed(palette):
        draw.rectangle(
            (right - swatch, margin, right, margin + swatch), fill=colour, outline="white"
        )
        right -= swatch + margin
    return box


def draw_prompt_panel(image: Image.Image, prompt: str, *, reserve_right: int = 0) -> None:
    """The prompt, wrapped into at most four lines on a dark band at the bottom."""
    width, height = image.size
    size = max(10, round(min(width, height) * 0.028))
    typeface = font(size)
    margin = max(6, size // 2)
    lines = wrap_text(prompt, typeface, width - 2 * margin - reserve_right, 4)
    line_height = round(size * 1.25)
    top = height - 2 * margin - line_height * len(lines)
    shade_box(image, (0, top, width, height), (0, 0, 0), 0.55)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((margin, top + margin + number * line_height), line, fill="white", font=typeface)


def watermark_width(image_size: tuple[int, int]) -> int:
    """Pixels the "AI generated" mark takes from the right edge (so text can avoid it)."""
    size = max(10, round(min(image_size) * 0.028))
    return int(font(size).getlength(WATERMARK_TEXT)) + 2 * max(6, size // 2)


def draw_watermark(image: Image.Image) -> None:
    """A small "AI generated" mark in the bottom-right corner, as Seedream adds by default."""
    size = max(10, round(min(image.size) * 0.028))
    margin = max(6, size // 2)
    position = (image.width - margin, image.height - margin)
    draw = ImageDraw.Draw(image)
    draw.text(
        position,
        WATERMARK_TEXT,
        fill=(255, 255, 255),
        font=font(size),
        anchor="rd",
        stroke_width=max(1, size // 12),
        stroke_fill=(0, 0, 0),
    )


def encode_jpeg(image: Image.Image) -> bytes:
    """JPEG bytes with fixed settings and no metadata (no EXIF, no timestamps)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(
        buffer, "JPEG", quality=JPEG_QUALITY, subsampling=2, optimize=False, progressive=False
    )
    return buffer.getvalue()
