"""Pure tests for brandkit.images: no database, every sample generated in memory."""

from __future__ import annotations

import hashlib
import io
import re
import warnings

import pytest
from django.test import override_settings
from PIL import Image, ImageFile, JpegImagePlugin

from brandkit import images
from brandkit.images import ImageRejected, make_thumbnail, validate_image_upload
from tests.brandkit import hostile_samples as samples

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 6000 * 6000}
UNSUPPORTED = "This file is not a supported image. Upload a PNG, JPEG or WebP image."
DAMAGED = "The image is damaged or incomplete and could not be read."
TOO_MANY_PIXELS = "The image has too many pixels: the limit is 36 megapixels."
ANIMATED = "Animated images are not accepted. Upload a still PNG, JPEG or WebP image."


def validate(data: bytes, **overrides: object) -> images.ValidatedImage:
    return validate_image_upload(data, **{**LIMITS, **overrides})


def reject(data: bytes, **overrides: object) -> str:
    with pytest.raises(ImageRejected) as caught:
        validate(data, **overrides)
    return caught.value.message


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to decode pixel data fail the test."""

    def forbidden(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", forbidden)


# Accepted uploads --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected_format", "content_type", "extension"),
    [
        (samples.png(), "PNG", "image/png", ".png"),
        (samples.jpeg(), "JPEG", "image/jpeg", ".jpg"),
        (samples.webp(), "WEBP", "image/webp", ".webp"),
    ],
)
def test_accepts_supported_formats(
    sample: samples.Sample, expected_format: str, content_type: str, extension: str
) -> None:
    result = validate(sample.data)
    assert (result.format, result.content_type, result.extension) == (
        expected_format,
        content_type,
        extension,
    )
    assert (result.width, result.height) == (64, 48)
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()
    assert reopen(result.data).format == expected_format


def test_accepts_file_like_uploads_from_the_start() -> None:
    upload = io.BytesIO(samples.png().data)
    upload.seek(10)
    assert validate_image_upload(upload, **LIMITS).format == "PNG"


@override_settings(MAX_UPLOAD_BYTES=1024 * 1024, MAX_UPLOAD_PIXELS=100 * 100)
def test_limits_default_to_settings() -> None:
    with pytest.raises(ImageRejected, match=r"the limit is 1 MB\.$"):
        validate_image_upload(samples.oversized_jpeg(2 * 1024 * 1024).data)
    with pytest.raises(ImageRejected, match=r"the limit is 0\.01 megapixels\.$"):
        validate_image_upload(samples.png((200, 100)).data)


def test_smallest_side_seedream_takes_is_accepted() -> None:
    result = validate(samples.png((15, 15)).data)
    assert (result.width, result.height) == (15, 15)


def test_mpo_phone_jpeg_keeps_the_primary_frame() -> None:
    result = validate(samples.mpo_jpeg().data)
    stored = reopen(result.data)
    assert (result.format, stored.format, getattr(stored, "n_frames", 1)) == ("JPEG", "JPEG", 1)
    red, _green, blue = stored.getpixel((16, 16))
    assert red > 200 and blue < 60


# Size, format and integrity refusals ------------------------------------------------------


def test_refuses_oversized_file_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("Image.open called on an oversized upload")

    monkeypatch.setattr(images.Image, "open", forbidden)
    sample = samples.oversized_jpeg()
    assert len(sample.data) == 12 * 1024 * 1024
    assert reject(sample.data) == "The file is too large: the limit is 10 MB."


def test_oversized_stream_is_not_read_past_the_limit() -> None:
    stream = io.BytesIO(samples.oversized_jpeg().data)
    with pytest.raises(ImageRejected, match="too large"):
        validate_image_upload(stream, **LIMITS)
    assert stream.tell() == LIMITS["max_bytes"] + 1


def test_refuses_empty_file() -> None:
    assert reject(b"") == "The file is empty."


@pytest.mark.parametrize(
    "sample",
    [
        samples.text_renamed_png(),
        samples.html_renamed_png(),
        samples.svg_image(),
        samples.gif_image(),
        samples.bmp_image(),
        samples.tiff_image(),
    ],
    ids=["text", "html", "svg", "gif", "bmp", "tiff"],
)
def test_refuses_unsupported_formats(sample: samples.Sample) -> None:
    assert reject(sample.data) == UNSUPPORTED


def test_allowed_formats_narrow_the_choice_and_the_message() -> None:
    assert reject(samples.jpeg().data, allowed_formats=("PNG",)) == (
        "This file is not a supported image. Upload a PNG image."
    )


def test_unknown_allowed_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="allowed_formats"):
        validate(samples.png().data, allowed_formats=("GIF",))


@pytest.mark.parametrize(
    "sample",
    [samples.truncated_png(), samples.truncated_jpeg(), samples.png_with_bad_crc()],
    ids=["truncated-png", "truncated-jpeg", "bad-crc-png"],
)
def test_refuses_truncated_or_corrupt_images(sample: samples.Sample) -> None:
    assert reject(sample.data) == DAMAGED


def test_refuses_truncated_webp() -> None:
    data = samples.encode(samples.noise_image((128, 128)), "WEBP", quality=95)
    assert reject(data[: len(data) * 6 // 10]) == DAMAGED


def test_fails_closed_if_truncated_images_are_enabled_globally(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        validate(samples.truncated_png().data)


# Decompression bombs and dimensions ------------------------------------------------------


@pytest.mark.parametrize(
    "side",
    [
        7_000,  # 49 MP: over our 36 MP cap, under Pillow's own warning threshold
        10_000,  # 100 MP: Pillow warns (we make that an error)
        20_000,  # 400 MP: Pillow raises DecompressionBombError while opening
    ],
)
def test_refuses_png_bombs_from_the_header(side: int, no_pixel_decoding: None) -> None:
    bomb = samples.png_bomb(side, side)
    assert len(bomb.data) < 64 * 1024
    assert reject(bomb.data) == TOO_MANY_PIXELS


def test_pixel_cap_holds_even_if_pillow_limit_is_disabled(
    monkeypatch: pytest.MonkeyPatch, no_pixel_decoding: None
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert reject(samples.png_bomb(20_000, 20_000).data) == TOO_MANY_PIXELS


def test_bomb_warning_filter_does_not_leak() -> None:
    before = list(warnings.filters)
    reject(samples.png_bomb().data)
    assert warnings.filters == before


@pytest.mark.parametrize(("width", "height"), [(10, 10), (14, 14), (14, 200), (200, 13)])
def test_refuses_tiny_images(width: int, height: int) -> None:
    # Seedream wants "width and height > 14 px", so 14 itself is refused.
    assert reject(samples.png((width, height)).data) == (
        f"The image is {width}x{height} pixels; both sides must be at least 15 pixels."
    )


def test_aspect_ratio_is_only_checked_when_asked() -> None:
    wide = samples.png((400, 100)).data
    assert validate(wide).width == 400
    assert validate(wide, max_aspect_ratio=4).width == 400
    assert reject(wide, max_aspect_ratio=3) == (
        "The image is 400x100 pixels; its aspect ratio must be between 1:3 and 3:1."
    )
    assert "1:3 and 3:1" in reject(samples.png((100, 400)).data, max_aspect_ratio=3)


@pytest.mark.parametrize("sample", [samples.animated_png(), samples.animated_webp()])
def test_refuses_animated_images(sample: samples.Sample) -> None:
    assert reject(sample.data) == ANIMATED


# Normalisation and metadata ----------------------------------------------------------------


def test_applies_exif_orientation_and_strips_all_metadata() -> None:
    sample = samples.exif_rotated_jpeg()
    assert b"SpyPhone" in sample.data and b"home-address" in sample.data
    result = validate(sample.data)
    stored = reopen(result.data)
    assert (result.width, result.height) == (20, 40) == stored.size
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # red half now on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert len(stored.getexif()) == 0
    assert not {"exif", "xmp", "comment", "icc_profile"} & stored.info.keys()
    for secret in (b"Exif", b"SpyPhone", b"home-address", b"secret comment"):
        assert secret not in result.data


def test_strips_png_text_chunks_and_trailing_payloads() -> None:
    for sample in (samples.png_with_text_chunks(), samples.png_with_trailing_html()):
        result = validate(sample.data)
        assert reopen(result.data).info == {}
        for marker in (b"tEXt", b"iTXt", b"GPS", b"<script>"):
            assert marker not in result.data


def test_cmyk_jpeg_becomes_rgb() -> None:
    stored = reopen(validate(samples.cmyk_jpeg().data).data)
    assert stored.mode == "RGB"
    red, green, blue = stored.getpixel((16, 16))
    assert red > 230 and green < 30 and blue < 30


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_embedded_icc_profile_is_converted_to_srgb_then_dropped(mode: str) -> None:
    image = Image.new(mode, (32, 32), (255, 0, 0, 100)[: len(mode)])
    data = samples.encode(image, "PNG", icc_profile=samples.swapped_primaries_icc())
    stored = reopen(validate(data).data)
    assert "icc_profile" not in stored.info
    assert stored.getpixel((0, 0)) == (0, 255, 0, 100)[: len(mode)]


def test_icc_profile_for_the_wrong_colour_space_is_ignored() -> None:
    sample = samples.cmyk_jpeg(icc=samples.swapped_primaries_icc())  # RGB profile on CMYK
    red, green, blue = reopen(validate(sample.data).data).getpixel((16, 16))
    assert red > 230 and green < 30 and blue < 30


def test_broken_icc_profile_is_ignored() -> None:
    stored = reopen(validate(samples.png_with_icc(b"not a profile" * 20).data).data)
    assert "icc_profile" not in stored.info
    assert stored.getpixel((0, 0)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("sample", "mode", "pixel"),
    [
        (samples.png(mode="RGBA", color=(255, 0, 0, 128)), "RGBA", (255, 0, 0, 128)),
        (samples.png(mode="LA", color=(200, 50)), "RGBA", (200, 200, 200, 50)),
        (samples.png(mode="L", color=90), "RGB", (90, 90, 90)),
        (samples.palette_png_with_transparency(), "RGBA", (255, 0, 0, 255)),
        (samples.sixteen_bit_grey_png(40_000), "RGB", (156, 156, 156)),
    ],
    ids=["rgba", "la", "grey", "palette-transparency", "16-bit-grey"],
)
def test_modes_are_normalised_to_8_bit_rgb_or_rgba(
    sample: samples.Sample, mode: str, pixel: tuple[int, ...]
) -> None:
    stored = reopen(validate(sample.data).data)
    assert (stored.mode, stored.getpixel((0, 0))) == (mode, pixel)


@pytest.mark.parametrize(
    "sample",
    [
        samples.Sample("noise.png", "image/png", samples.encode(samples.noise_image(), "PNG")),
        samples.Sample("noise.jpg", "image/jpeg", samples.encode(samples.noise_image(), "JPEG")),
        samples.Sample("noise.webp", "image/webp", samples.encode(samples.noise_image(), "WEBP")),
        samples.exif_rotated_jpeg(),
        samples.png(mode="RGBA", color=(1, 2, 3, 4)),
    ],
    ids=["png", "jpeg", "webp", "exif-jpeg", "rgba"],
)
def test_encoding_is_deterministic(sample: samples.Sample) -> None:
    first, second = validate(sample.data), validate(sample.data)
    assert first.data == second.data and first.sha256 == second.sha256


@pytest.mark.parametrize(("lossless", "chunk"), [(True, b"VP8L"), (False, b"VP8 ")])
def test_webp_keeps_lossless_or_lossy_encoding(lossless: bool, chunk: bytes) -> None:
    result = validate(samples.webp(lossless=lossless).data)
    assert result.data[12:16] == chunk


@pytest.mark.parametrize(("subsampling", "expected"), [(0, 0), (1, 1), (2, 2)])
def test_jpeg_keeps_chroma_subsampling(subsampling: int, expected: int) -> None:
    result = validate(samples.jpeg(subsampling=subsampling).data)
    assert JpegImagePlugin.get_sampling(reopen(result.data)) == expected


# Thumbnails --------------------------------------------------------------------------------


def test_thumbnail_shrinks_jpeg_with_draft(monkeypatch: pytest.MonkeyPatch) -> None:
    drafts: list[tuple[int, int]] = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int]) -> object:
        drafts.append(size)
        return original_draft(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    source = validate(samples.jpeg((3000, 1500)).data).data
    thumbnail = reopen(make_thumbnail(source, max_side=256, max_pixels=LIMITS["max_pixels"]))
    assert (thumbnail.format, thumbnail.size) == ("WEBP", (256, 128))
    assert drafts == [(256, 256)]  # libjpeg keeps both sides at or above the request


def test_thumbnail_jpeg_flattens_alpha_and_never_upscales() -> None:
    source = samples.png((100, 50), mode="RGBA", color=(0, 0, 0, 0)).data
    thumbnail = reopen(make_thumbnail(source, format="JPEG", max_pixels=LIMITS["max_pixels"]))
    assert (thumbnail.format, thumbnail.mode, thumbnail.size) == ("JPEG", "RGB", (100, 50))
    assert min(thumbnail.getpixel((50, 25))) > 245


def test_thumbnail_is_deterministic() -> None:
    source = validate(samples.encode(samples.noise_image((800, 600)), "PNG")).data
    assert make_thumbnail(source, max_pixels=LIMITS["max_pixels"]) == make_thumbnail(
        source, max_pixels=LIMITS["max_pixels"]
    )


def test_thumbnail_refuses_bombs(no_pixel_decoding: None) -> None:
    with pytest.raises(ImageRejected, match=re.escape(TOO_MANY_PIXELS)):
        make_thumbnail(samples.png_bomb().data, max_pixels=LIMITS["max_pixels"])
