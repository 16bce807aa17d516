"""Validation of brand font uploads (single TrueType/OpenType files).

Pure Python + Pillow/FreeType, no models. Fonts are stored byte-for-byte (re-encoding a font is
not practical), so validation is stricter about structure than for images: the sfnt magic and
table directory are checked by hand before FreeType parses anything, then FreeType must load the
face and rasterise sample text.
"""

from __future__ import annotations

import hashlib
import io
import struct
from dataclasses import dataclass
from typing import IO

from PIL import ImageFont

from brandkit.images import megabytes, read_upload_bytes, setting_limit

SAMPLE_TEXT = "Brandkit Hamburgefonstiv 0123456789"
DAMAGED_FONT_MESSAGE = "The font file is damaged or incomplete and could not be read."

# sfnt version tag -> (format, extension, content type). 'true' is Apple's TrueType tag.
_SFNT_KINDS = {
    b"\x00\x01\x00\x00": ("TTF", ".ttf", "font/ttf"),
    b"true": ("TTF", ".ttf", "font/ttf"),
    b"OTTO": ("OTF", ".otf", "font/otf"),
}
# FreeType would happily load these too, which is why the magic is checked by hand first.
_REFUSED_KINDS = {
    b"wOFF": "WOFF and WOFF2 web fonts are not accepted. Upload the original .ttf or .otf file.",
    b"wOF2": "WOFF and WOFF2 web fonts are not accepted. Upload the original .ttf or .otf file.",
    b"ttcf": "Font collections (.ttc) are not accepted. Upload a single .ttf or .otf font.",
}
_FREETYPE_ERRORS = (OSError, ValueError, TypeError, struct.error)


class FontRejected(ValueError):
    """An upload that is not an acceptable font; `message` is safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ValidatedFont:
    """A font file that FreeType can load and render, stored as uploaded."""

    data: bytes
    family: str
    style: str
    format: str
    sha256: str
    extension: str
    content_type: str


def validate_font_upload(
    upload: bytes | IO[bytes], *, max_bytes: int | None = None
) -> ValidatedFont:
    """Validate an uploaded TTF/OTF font and return it with its family and style names.

    `max_bytes` defaults to `settings.MAX_FONT_BYTES` and is checked before any parsing.
    Raises `FontRejected` with a user-facing message.
    """
    max_bytes = setting_limit(max_bytes, "MAX_FONT_BYTES")
    data = read_upload_bytes(upload, max_bytes=max_bytes)
    if not data:
        raise FontRejected("The file is empty.")
    if len(data) > max_bytes:
        raise FontRejected(f"The font file is too large: the limit is {megabytes(max_bytes)}.")
    magic = data[:4]
    if magic in _REFUSED_KINDS:
        raise FontRejected(_REFUSED_KINDS[magic])
    if magic not in _SFNT_KINDS:
        raise FontRejected(
            "This file is not a TrueType or OpenType font. Upload a .ttf or .otf file."
        )
    _check_table_directory(data)
    family, style = _load_with_freetype(data)
    font_format, extension, content_type = _SFNT_KINDS[magic]
    return ValidatedFont(
        data=data,
        family=family,
        style=style,
        format=font_format,
        sha256=hashlib.sha256(data).hexdigest(),
        extension=extension,
        content_type=content_type,
    )


def _check_table_directory(data: bytes) -> None:
    """Refuse files whose table directory points past the end: the usual sign of truncation.

    FreeType loads tables lazily, so a truncated font can open and only fail (or misrender) later
    when a poster needs a glyph from the missing part.
    """
    if len(data) < 12:
        raise FontRejected(DAMAGED_FONT_MESSAGE)
    (table_count,) = struct.unpack_from(">H", data, 4)
    if table_count == 0 or 12 + 16 * table_count > len(data):
        raise FontRejected(DAMAGED_FONT_MESSAGE)
    for index in range(table_count):
        _tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if offset + length > len(data):
            raise FontRejected(DAMAGED_FONT_MESSAGE)


def _load_with_freetype(data: bytes) -> tuple[str, str]:
    """Load the face, measure and rasterise sample text; return (family, style)."""
    try:
        font = ImageFont.truetype(io.BytesIO(data), size=24)
        left, _top, right, _bottom = font.getbbox(SAMPLE_TEXT)
        # getbbox only reads metrics; getmask rasterises outlines, where broken glyphs fail.
        font.getmask(SAMPLE_TEXT)
        family, style = font.getname()
    except _FREETYPE_ERRORS as exc:
        raise FontRejected(DAMAGED_FONT_MESSAGE) from exc
    if right <= left:
        raise FontRejected("The font could not draw any text.")
    if not family:
        raise FontRejected("The font has no family name. Upload a complete .ttf or .otf file.")
    return family, style or "Regular"
