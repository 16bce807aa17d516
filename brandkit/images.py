"""Validation and re-encoding of brand image uploads (reference images, logos); no models.

Every accepted image is decoded in full and re-encoded, which is what strips metadata and any
polyglot payload (OWASP File Upload Cheat Sheet: image rewriting "destroys malicious content").
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import struct
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from PIL import Image, ImageCms, ImageFile, ImageOps, JpegImagePlugin

SUPPORTED_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "WEBP")
# Seedream 4.x wants "width and height > 14 px" (shared/providers/seedream-api.md), so 15 is the
# smallest side it takes; refusing here beats a provider error at generation time.
MIN_IMAGE_SIDE = 15
JPEG_QUALITY = 92
WEBP_LOSSY_QUALITY = 90
DAMAGED_IMAGE_MESSAGE = "The image is damaged or incomplete and could not be read."

_CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
_DISPLAY_NAMES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
# Pillow's decoders raise many unrelated types on hostile input; all of them mean "unreadable".
_PARSE_ERRORS = (SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError)
_DECODE_ERRORS = (OSError, struct.error, zlib.error, *_PARSE_ERRORS)


class ImageRejected(ValueError):
    """An upload that is not an acceptable image; `message` is safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ValidatedImage:
    """A decoded, normalised and re-encoded image, ready to store under a generated name."""

    data: bytes
    format: str
    width: int
    height: int
    sha256: str
    content_type: str
    extension: str


def read_upload_bytes(upload: bytes | IO[bytes], *, max_bytes: int) -> bytes:
    """Return the upload's bytes from the start, reading at most `max_bytes + 1` of them.

    Reading one byte past the limit lets callers detect an oversized stream without pulling a
    multi-gigabyte file into memory.
    """
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(max_bytes + 1)


def megabytes(byte_count: int) -> str:
    """Format a byte limit for messages: 10485760 -> '10 MB' (MiB, as users read 'MB')."""
    return f"{round(byte_count / 1_048_576, 1):g} MB"


def setting_limit(value: int | None, setting_name: str) -> int:
    """Return `value`, or the named Django setting when the caller did not pass a limit."""
    return int(getattr(settings, setting_name)) if value is None else value


def validate_image_upload(
    upload: bytes | IO[bytes],
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    allowed_formats: Sequence[str] = SUPPORTED_FORMATS,
    max_aspect_ratio: float | None = None,
) -> ValidatedImage:
    """Validate an uploaded image and return metadata-free, re-encoded bytes to store.

    Limits default to `settings.MAX_UPLOAD_BYTES` / `settings.MAX_UPLOAD_PIXELS`; the byte cap is
    checked before any decoding, the pixel cap on the header before pixels are decoded.
    `max_aspect_ratio` (e.g. 3 for Seedream 4.0 references) is off by default: logos are often
    wide wordmarks. Raises `ImageRejected` for anything unacceptable, and `RuntimeError` if
    Pillow was set process-wide to accept truncated images (fail closed, see below).
    """
    max_bytes = setting_limit(max_bytes, "MAX_UPLOAD_BYTES")
    max_pixels = setting_limit(max_pixels, "MAX_UPLOAD_PIXELS")
    formats = _checked_formats(allowed_formats)
    require_strict_decoding()
    raw = _read_within_limit(upload, max_bytes)
    image = _decode(raw, formats, max_pixels, max_aspect_ratio)
    family = "JPEG" if image.format == "MPO" else str(image.format)
    encoder_options = _encoder_options(family, image, raw)
    pixels = _normalise(image, image.info.get("icc_profile"))
    data = _encode(pixels, family, encoder_options)
    return ValidatedImage(
        data=data,
        format=family,
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=_CONTENT_TYPES[family],
        extension=_EXTENSIONS[family],
    )


def make_thumbnail(
    data: bytes,
    *,
    max_side: int = 512,
    format: str = "WEBP",
    max_pixels: int | None = None,
) -> bytes:
    """Return a deterministic thumbnail (longest side <= `max_side`, never upscaled).

    Meant for bytes already returned by `validate_image_upload`, but it re-applies the format and
    pixel checks so it is safe on anything. JPEG sources are shrunk while decoding via `draft()`.
    `format` is "WEBP" (quality 80) or "JPEG" (quality 85, alpha flattened onto white).
    """
    if format not in ("WEBP", "JPEG") or max_side < 1:
        raise ValueError("format must be 'WEBP' or 'JPEG' and max_side must be positive")
    require_strict_decoding()
    image = _open_shrunk(data, max_side, setting_limit(max_pixels, "MAX_UPLOAD_PIXELS"))
    return _thumbnail_bytes(image, max_side, format)


def draft_for_thumbnail(image: Image.Image, max_side: int) -> None:
    """Before `load()`: let libjpeg decode a JPEG at the largest 1/2..1/8 scale that still covers
    `max_side` (every scan is still entropy-decoded, so a broken file still fails to load);
    nothing for other formats. Measured on 2K outputs this halves the thumbnail's time."""
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (max_side, max_side))


def thumbnail_from_decoded(
    image: Image.Image, *, max_side: int = 512, format: str = "WEBP"
) -> bytes:
    """`make_thumbnail` of an image the caller has already opened, drafted with
    `draft_for_thumbnail` and loaded (to verify it), so it is not decoded a second time. The
    same bytes as `make_thumbnail(data)`. Applies the EXIF orientation to `image` in place."""
    _apply_orientation(image)
    return _thumbnail_bytes(image, max_side, format)


def _thumbnail_bytes(image: Image.Image, max_side: int, format: str) -> bytes:
    if format not in ("WEBP", "JPEG") or max_side < 1:
        raise ValueError("format must be 'WEBP' or 'JPEG' and max_side must be positive")
    thumbnail = _to_8bit(image).convert("RGBA" if image.has_transparency_data else "RGB")
    thumbnail.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if format == "JPEG":
        if thumbnail.mode == "RGBA":
            background = Image.new("RGB", thumbnail.size, (255, 255, 255))
            background.paste(thumbnail, mask=thumbnail.getchannel("A"))
            thumbnail = background
        return _encode(thumbnail, "JPEG", {"quality": 85, "optimize": True})
    # method 0 is WebP's fastest effort: about 20% larger files for less than half the encode
    # time, a good trade for previews made on the generation hot path.
    return _encode(thumbnail, "WEBP", {"quality": 80, "method": 0})


def require_strict_decoding() -> None:
    """Fail closed if anything in the process set `ImageFile.LOAD_TRUNCATED_IMAGES`.

    With it on, Pillow pads truncated files with grey instead of raising, and there is no
    per-image override, so we cannot validate safely; this is a deployment bug, not a user error.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError(
            "PIL.ImageFile.LOAD_TRUNCATED_IMAGES is enabled; refusing to validate uploads "
            "because truncated images would be accepted."
        )


def _read_within_limit(upload: bytes | IO[bytes], max_bytes: int) -> bytes:
    raw = read_upload_bytes(upload, max_bytes=max_bytes)
    if not raw:
        raise ImageRejected("The file is empty.")
    if len(raw) > max_bytes:
        raise ImageRejected(f"The file is too large: the limit is {megabytes(max_bytes)}.")
    return raw


def _checked_formats(allowed_formats: Sequence[str]) -> list[str]:
    formats = [name.upper() for name in allowed_formats]
    if not formats or not set(formats) <= set(SUPPORTED_FORMATS):
        raise ValueError(f"allowed_formats must be a non-empty subset of {SUPPORTED_FORMATS}")
    return formats


def _format_list(formats: Sequence[str]) -> str:
    """('PNG', 'JPEG', 'WEBP') -> 'PNG, JPEG or WebP'."""
    names = [_DISPLAY_NAMES[name] for name in formats]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@contextlib.contextmanager
def _rejecting_decode_errors(formats: Sequence[str], max_pixels: int) -> Iterator[None]:
    """Map decoder failures to `ImageRejected`; make bomb warnings errors in this block only."""
    # catch_warnings rather than a global filter so other code keeps Pillow's default behaviour.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(_too_many_pixels_message(max_pixels)) from exc
        except Image.UnidentifiedImageError as exc:
            raise ImageRejected(
                f"This file is not a supported image. Upload a {_format_list(formats)} image."
            ) from exc
        except _DECODE_ERRORS as exc:
            raise ImageRejected(DAMAGED_IMAGE_MESSAGE) from exc


def _too_many_pixels_message(max_pixels: int) -> str:
    return f"The image has too many pixels: the limit is {max_pixels / 1_000_000:g} megapixels."


def _check_dimensions(
    size: tuple[int, int], max_pixels: int, max_aspect_ratio: float | None = None
) -> None:
    width, height = size
    if width * height > max_pixels:
        raise ImageRejected(_too_many_pixels_message(max_pixels))
    if min(width, height) < MIN_IMAGE_SIDE:
        rule = f"both sides must be at least {MIN_IMAGE_SIDE} pixels"
    elif max_aspect_ratio and max(width, height) > max_aspect_ratio * min(width, height):
        rule = f"its aspect ratio must be between 1:{max_aspect_ratio:g} and {max_aspect_ratio:g}:1"
    else:
        return
    raise ImageRejected(f"The image is {width}x{height} pixels; {rule}.")


def _decode(
    raw: bytes, formats: list[str], max_pixels: int, max_aspect_ratio: float | None
) -> ImageFile.ImageFile:
    """Open, vet the header, verify, then reopen and fully decode (verify() consumes the file)."""
    with _rejecting_decode_errors(formats, max_pixels):
        with Image.open(io.BytesIO(raw), formats=formats) as header:
            _check_dimensions(header.size, max_pixels, max_aspect_ratio)
            # MPO (phone JPEGs with depth/gain-map frames) is not animation: we keep frame 0.
            if header.format != "MPO" and getattr(header, "n_frames", 1) > 1:
                raise ImageRejected(
                    "Animated images are not accepted. "
                    f"Upload a still {_format_list(formats)} image."
                )
            header.verify()
        image = Image.open(io.BytesIO(raw), formats=formats)
        image.load()
        # Some plugins only learn the true size while decoding; check again.
        _check_dimensions(image.size, max_pixels, max_aspect_ratio)
    return image


def _open_shrunk(data: bytes, max_side: int, max_pixels: int) -> Image.Image:
    """Decode for a thumbnail, letting libjpeg downscale by 1/2..1/8 while decoding."""
    formats = list(SUPPORTED_FORMATS)
    with _rejecting_decode_errors(formats, max_pixels):
        image = Image.open(io.BytesIO(data), formats=formats)
        _check_dimensions(image.size, max_pixels)
        draft_for_thumbnail(image, max_side)
        image.load()
    _apply_orientation(image)
    return image


def _encoder_options(family: str, image: ImageFile.ImageFile, raw: bytes) -> dict[str, object]:
    """Pick encoder settings from the source so re-encoding never degrades it needlessly."""
    if family == "JPEG":
        # Keep the source's chroma subsampling: 4:4:4 sources are usually graphics with sharp
        # colour edges, and upsampling already-discarded chroma only wastes bytes.
        sampling = JpegImagePlugin.get_sampling(image)
        subsampling = sampling if sampling in (0, 1) else 2
        return {"quality": JPEG_QUALITY, "subsampling": subsampling, "optimize": True}
    if family == "WEBP":
        if _is_lossless_webp(raw):
            return {"lossless": True, "quality": 80, "method": 4}
        return {"quality": WEBP_LOSSY_QUALITY, "method": 4}
    return {"compress_level": 6}


def _is_lossless_webp(raw: bytes) -> bool:
    """True when the WebP bitstream is VP8L; walks RIFF chunks because VP8X wraps either kind."""
    offset = 12
    while offset + 8 <= len(raw):
        tag = raw[offset : offset + 4]
        if tag in (b"VP8L", b"VP8 "):
            return tag == b"VP8L"
        size = int.from_bytes(raw[offset + 4 : offset + 8], "little")
        offset += 8 + size + (size & 1)
    return False


def _normalise(image: ImageFile.ImageFile, icc_profile: bytes | None) -> Image.Image:
    """Upright, 8-bit, sRGB, RGB or RGBA, with every metadata field dropped."""
    _apply_orientation(image)
    pixels = _to_8bit(image)
    target_mode = "RGBA" if pixels.has_transparency_data else "RGB"
    # CMYK stays CMYK until its ICC profile (if any) has been applied; naive CMYK->RGB is a guess.
    if pixels.mode not in (target_mode, "CMYK"):
        pixels = pixels.convert(target_mode)
    pixels = _to_srgb(pixels, icc_profile)
    if pixels.mode != target_mode:
        pixels = pixels.convert(target_mode)
    # Encoders copy some fields from `info` (PNG: ICC, transparency; JPEG: comment); start clean.
    pixels.info = {}
    return pixels


def _apply_orientation(image: Image.Image) -> None:
    # Malformed EXIF only costs the orientation: the pixels are fine and EXIF is dropped anyway.
    with contextlib.suppress(*_DECODE_ERRORS):
        ImageOps.exif_transpose(image, in_place=True)


def _to_8bit(image: Image.Image) -> Image.Image:
    """Scale 16/32-bit greyscale to 8-bit; Pillow's convert('L') would clip, not scale."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert pixels from an embedded ICC profile to sRGB, so the profile itself can be dropped.

    A broken or mismatched profile is ignored and the pixels treated as sRGB, as browsers do.
    """
    if not icc_profile:
        return image
    expected_space = "CMYK" if image.mode == "CMYK" else "RGB "
    output_mode = "RGB" if image.mode == "CMYK" else image.mode
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if source.profile.xcolor_space != expected_space:
            return image
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        transform = ImageCms.buildTransform(source, srgb, image.mode, output_mode)
        return transform.apply(image)
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return image


def _encode(pixels: Image.Image, family: str, options: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    pixels.save(buffer, format=family, **options)
    return buffer.getvalue()
