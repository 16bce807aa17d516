"""Pure tests for brandkit.fonts: no database, hostile samples built in memory."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import override_settings
from PIL import ImageFont

from brandkit import fonts
from brandkit.fonts import FontRejected, validate_font_upload
from tests.brandkit import hostile_samples as samples

MAX_FONT_BYTES = 8 * 1024 * 1024
DAMAGED = "The font file is damaged or incomplete and could not be read."
NOT_A_FONT = "This file is not a TrueType or OpenType font. Upload a .ttf or .otf file."
WEB_FONT = "WOFF and WOFF2 web fonts are not accepted. Upload the original .ttf or .otf file."


def reject(data: bytes) -> str:
    with pytest.raises(FontRejected) as caught:
        validate_font_upload(data, max_bytes=MAX_FONT_BYTES)
    return caught.value.message


def test_accepts_dejavu_sans() -> None:
    data = samples.dejavu_sans().data
    font = validate_font_upload(data, max_bytes=MAX_FONT_BYTES)
    assert (font.family, font.style, font.format) == ("DejaVu Sans", "Book", "TTF")
    assert (font.extension, font.content_type) == (".ttf", "font/ttf")
    assert font.data == data  # fonts are stored exactly as uploaded
    assert font.sha256 == hashlib.sha256(data).hexdigest()


def test_reads_style_name() -> None:
    data = samples.DEJAVU_SANS_BOLD.read_bytes()
    assert validate_font_upload(data, max_bytes=MAX_FONT_BYTES).style == "Bold"


def test_accepts_apple_true_magic() -> None:
    data = b"true" + samples.dejavu_sans().data[4:]
    assert validate_font_upload(data, max_bytes=MAX_FONT_BYTES).format == "TTF"


def test_accepts_file_like_uploads_from_the_start() -> None:
    upload = io.BytesIO(samples.dejavu_sans().data)
    upload.seek(100)
    assert validate_font_upload(upload, max_bytes=MAX_FONT_BYTES).family == "DejaVu Sans"


@override_settings(MAX_FONT_BYTES=512 * 1024)
def test_limit_defaults_to_settings() -> None:
    with pytest.raises(FontRejected) as caught:
        validate_font_upload(samples.dejavu_sans().data)
    assert caught.value.message == "The font file is too large: the limit is 0.5 MB."


def test_refuses_oversized_font_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("FreeType was asked to parse an oversized upload")

    monkeypatch.setattr(ImageFont, "truetype", forbidden)
    assert reject(samples.oversized_font().data) == (
        "The font file is too large: the limit is 8 MB."
    )


def test_refuses_empty_file() -> None:
    assert reject(b"") == "The file is empty."


@pytest.mark.parametrize(
    "data",
    [samples.png_renamed_ttf().data, b"%PDF-1.7\n", b"<svg/>", b"abc"],
    ids=["png", "pdf", "svg", "three-bytes"],
)
def test_refuses_files_that_are_not_fonts(data: bytes) -> None:
    assert reject(data) == NOT_A_FONT


@pytest.mark.parametrize("magic", [b"wOFF", b"wOF2"])
def test_refuses_web_fonts(magic: bytes) -> None:
    assert reject(samples.web_font(magic).data) == WEB_FONT


def test_refuses_font_collections() -> None:
    assert reject(samples.font_collection().data) == (
        "Font collections (.ttc) are not accepted. Upload a single .ttf or .otf font."
    )


def test_refuses_truncated_font_before_freetype(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("FreeType was asked to parse a truncated font")

    monkeypatch.setattr(ImageFont, "truetype", forbidden)
    assert reject(samples.truncated_ttf().data) == DAMAGED


@pytest.mark.parametrize("length", [4, 11, 12, 100])
def test_refuses_fonts_cut_inside_the_header(length: int) -> None:
    assert reject(samples.dejavu_sans().data[:length]) == DAMAGED


def test_refuses_font_whose_tables_are_garbage() -> None:
    data = samples.dejavu_sans().data
    directory_end = 12 + 16 * int.from_bytes(data[4:6], "big")
    assert reject(data[:directory_end] + b"\xff" * (len(data) - directory_end)) == DAMAGED


def test_refuses_cff_magic_on_truetype_tables() -> None:
    assert reject(b"OTTO" + samples.dejavu_sans().data[4:]) == DAMAGED


class _StubFont:
    """Stands in for a FreeType face with odd metadata that is hard to build by hand."""

    def __init__(self, bbox: tuple[int, int, int, int], name: tuple[str | None, str | None]):
        self.bbox, self.name = bbox, name

    def getbbox(self, text: str) -> tuple[int, int, int, int]:
        return self.bbox

    def getmask(self, text: str) -> None:
        return None

    def getname(self) -> tuple[str | None, str | None]:
        return self.name


@pytest.mark.parametrize(
    ("stub", "message"),
    [
        (_StubFont((0, 0, 0, 0), ("Brand", "Regular")), "The font could not draw any text."),
        (
            _StubFont((0, 0, 90, 20), (None, "Regular")),
            "The font has no family name. Upload a complete .ttf or .otf file.",
        ),
    ],
    ids=["draws-nothing", "no-family"],
)
def test_refuses_fonts_that_cannot_be_used(
    monkeypatch: pytest.MonkeyPatch, stub: _StubFont, message: str
) -> None:
    monkeypatch.setattr(fonts.ImageFont, "truetype", lambda *args, **kwargs: stub)
    assert reject(samples.dejavu_sans().data) == message


def test_missing_style_name_defaults_to_regular(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = _StubFont((0, 0, 90, 20), ("Brand Sans", None))
    monkeypatch.setattr(fonts.ImageFont, "truetype", lambda *args, **kwargs: stub)
    font = validate_font_upload(samples.dejavu_sans().data, max_bytes=MAX_FONT_BYTES)
    assert (font.family, font.style) == ("Brand Sans", "Regular")
