"""Hostile and awkward upload samples, generated in memory so tests need no fixture files.

Each builder returns a `Sample` with the filename and content type a browser (or attacker)
would claim, so form/admin tests can wrap it in `SimpleUploadedFile(s.filename, s.data,
s.content_type)`. Everything is small and fast to build except `oversized_jpeg`, which is
padding by design.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, PngImagePlugin

DEMO_FONTS = Path(__file__).resolve().parents[2] / "brandkit" / "demo" / "fonts"
DEJAVU_SANS = DEMO_FONTS / "DejaVuSans.ttf"
DEJAVU_SANS_BOLD = DEMO_FONTS / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Sample:
    """An upload as the client presents it: claimed name and type, plus the real bytes."""

    filename: str
    content_type: str
    data: bytes


def encode(image: Image.Image, format: str, **options: object) -> bytes:
    """Save `image` in `format` and return the bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def noise_image(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """Random pixels: they do not compress, so encoded files are large and truncation bites."""
    bands = len(Image.new(mode, (1, 1)).getbands())
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * bands))


def png(size: tuple[int, int] = (64, 48), mode: str = "RGB", color: object = "red") -> Sample:
    return Sample("image.png", "image/png", encode(Image.new(mode, size, color), "PNG"))


def jpeg(size: tuple[int, int] = (64, 48), color: object = "red", **options: object) -> Sample:
    data = encode(Image.new("RGB", size, color), "JPEG", **options)
    return Sample("photo.jpg", "image/jpeg", data)


def webp(size: tuple[int, int] = (64, 48), mode: str = "RGB", **options: object) -> Sample:
    data = encode(Image.new(mode, size, "red"), "WEBP", **options)
    return Sample("image.webp", "image/webp", data)


def truncated_png() -> Sample:
    """A real PNG cut off in the middle of its pixel data."""
    data = encode(noise_image((128, 128)), "PNG")
    return Sample("cut.png", "image/png", data[: len(data) * 6 // 10])


def truncated_jpeg() -> Sample:
    data = encode(noise_image((128, 128)), "JPEG", quality=95)
    return Sample("cut.jpg", "image/jpeg", data[: len(data) * 6 // 10])


def png_with_bad_crc() -> Sample:
    """A PNG whose IDAT checksum is wrong: load() decodes it anyway, only verify() notices."""
    data = bytearray(png().data)
    idat = data.index(b"IDAT")
    data[idat + 4 + int.from_bytes(data[idat - 4 : idat], "big")] ^= 0xFF
    return Sample("corrupt.png", "image/png", bytes(data))


def text_renamed_png() -> Sample:
    return Sample("notes.png", "image/png", b"Meeting notes: the logo should be bigger.\n" * 20)


def html_renamed_png() -> Sample:
    data = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    return Sample("logo.png", "image/png", data)


def svg_image() -> Sample:
    data = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        b'<script>alert(1)</script><rect width="64" height="64" fill="red"/></svg>'
    )
    return Sample("logo.svg", "image/svg+xml", data)


def gif_image() -> Sample:
    return Sample("logo.gif", "image/gif", encode(Image.new("P", (64, 64)), "GIF"))


def bmp_image() -> Sample:
    return Sample("logo.bmp", "image/bmp", encode(Image.new("RGB", (64, 64)), "BMP"))


def tiff_image() -> Sample:
    return Sample("scan.tiff", "image/tiff", encode(Image.new("RGB", (64, 64)), "TIFF"))


def png_with_trailing_html() -> Sample:
    """A valid PNG with an HTML payload after IEND (a PNG/HTML polyglot)."""
    return Sample("logo.png", "image/png", png().data + html_renamed_png().data)


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def png_bomb(width: int = 10_000, height: int = 10_000) -> Sample:
    """A valid 1-bit PNG declaring `width`x`height` whose IDAT is compressed zeros.

    10000x10000 is ~12 KiB on disk but ~300 MB once decoded to RGB.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed 1-bit pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row * 100) for _ in range(height // 100))
    idat += compressor.compress(row * (height % 100)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    return Sample("bomb.png", "image/png", data)


def oversized_jpeg(total_bytes: int = 12 * 1024 * 1024) -> Sample:
    """A valid JPEG padded past EOI to `total_bytes`; a size cap must refuse it before decoding."""
    data = jpeg().data
    return Sample("huge.jpg", "image/jpeg", data + b"\x00" * (total_bytes - len(data)))


def exif_rotated_jpeg() -> Sample:
    """A 40x20 JPEG (left half red, right half blue) with Orientation=6, GPS, XMP and a comment.

    Displayed upright it is 20x40 with red on top.
    """
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SpyPhone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 22.0, 1.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 53.0, 2.0),
    }
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home-address</x:xmpmeta>'
    data = encode(image, "JPEG", exif=exif, xmp=xmp, comment=b"secret comment", quality=95)
    return Sample("IMG_0001.jpg", "image/jpeg", data)


def cmyk_jpeg(color: tuple[int, int, int, int] = (0, 255, 255, 0), icc: bytes = b"") -> Sample:
    """A CMYK JPEG, pure red by default (no cyan, full magenta and yellow)."""
    data = encode(Image.new("CMYK", (32, 32), color), "JPEG", quality=95, icc_profile=icc)
    return Sample("print.jpg", "image/jpeg", data)


def png_with_text_chunks() -> Sample:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 52.37N 4.89E")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>home-address</x:xmpmeta>")
    return Sample("logo.png", "image/png", encode(Image.new("RGB", (32, 32)), "PNG", pnginfo=info))


def palette_png_with_transparency() -> Sample:
    image = Image.new("P", (32, 32), 1)
    image.putpalette([0, 0, 0, 255, 0, 0])
    return Sample("logo.png", "image/png", encode(image, "PNG", transparency=0))


def sixteen_bit_grey_png(value: int = 40_000) -> Sample:
    return Sample("scan.png", "image/png", encode(Image.new("I;16", (32, 32), value), "PNG"))


def animated_png() -> Sample:
    frames = [Image.new("RGB", (32, 32), color) for color in ("red", "blue")]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    return Sample("anim.png", "image/png", data)


def animated_webp() -> Sample:
    frames = [Image.new("RGB", (32, 32), color) for color in ("red", "blue")]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    return Sample("anim.webp", "image/webp", data)


def mpo_jpeg() -> Sample:
    """A multi-picture JPEG, as phones write for depth maps; frame 0 red, frame 1 blue."""
    frames = [Image.new("RGB", (32, 32), color) for color in ("red", "blue")]
    data = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    return Sample("portrait.jpg", "image/jpeg", data)


def swapped_primaries_icc() -> bytes:
    """A minimal ICC v2 RGB matrix/TRC profile whose red and green primaries are swapped.

    Pure red pixels tagged with it are really sRGB green, so a correct conversion turns them green.
    """

    def xyz(x: float, y: float, z: float) -> bytes:
        fixed = (round(value * 65536) for value in (x, y, z))
        return b"XYZ \x00\x00\x00\x00" + struct.pack(">3i", *fixed)

    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, 0x0233) + b"\x00\x00"  # gamma 2.2
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.3851, 0.7169, 0.0971)),  # sRGB's green primary (D50)
        (b"gXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red primary (D50)
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, payload in tags:
        table += signature + struct.pack(">II", offset + len(body), len(payload))
        body += payload + b"\x00" * (-len(payload) % 4)
    size = offset + len(body)
    header = struct.pack(">I4sI4s4s4s", size, b"", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
    header += b"\x00" * 12 + b"acsp" + b"\x00" * 28 + xyz(0.9642, 1.0, 0.8249)[8:]
    header += b"\x00" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def png_with_icc(icc: bytes, color: tuple[int, int, int] = (255, 0, 0)) -> Sample:
    data = encode(Image.new("RGB", (32, 32), color), "PNG", icc_profile=icc)
    return Sample("tagged.png", "image/png", data)


# Fonts ---------------------------------------------------------------------------------------


def dejavu_sans() -> Sample:
    return Sample("DejaVuSans.ttf", "font/ttf", DEJAVU_SANS.read_bytes())


def png_renamed_ttf() -> Sample:
    return Sample("BrandSans.ttf", "font/ttf", png().data)


def truncated_ttf() -> Sample:
    data = DEJAVU_SANS.read_bytes()
    return Sample("BrandSans.ttf", "font/ttf", data[: len(data) // 2])


def oversized_font(total_bytes: int = 9 * 1024 * 1024) -> Sample:
    data = DEJAVU_SANS.read_bytes()
    return Sample("Huge.ttf", "font/ttf", data + b"\x00" * (total_bytes - len(data)))


def web_font(magic: bytes = b"wOFF") -> Sample:
    """The first bytes of a WOFF (`wOFF`) or WOFF2 (`wOF2`) file; enough to be recognised."""
    return Sample("BrandSans.woff", "font/woff", magic + b"\x00\x01\x00\x00" + b"\x00" * 40)


def font_collection() -> Sample:
    """A TrueType collection (`ttcf`) header followed by a font; enough to be recognised."""
    font = DEJAVU_SANS.read_bytes()
    header = b"ttcf" + struct.pack(">HHII", 1, 0, 1, 16)
    return Sample("Family.ttc", "font/collection", header + font)
