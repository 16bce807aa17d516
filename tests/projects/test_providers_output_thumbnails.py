"""An output is decoded once: verify_image makes the stored thumbnail from the decode that checks
the bytes, byte for byte what make_thumbnail would make, and storage does not decode again."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from brandkit import images as brand_images
from brandkit.images import make_thumbnail
from projects.providers.base import OutputImage, ProviderError
from projects.providers.outputs import THUMBNAIL_SIDE, verify_image
from projects.services import outputs as output_services
from projects.services.outputs import output_store


def _encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Gradients, so every scale of the decode differs from the others."""
    image = Image.linear_gradient("L").resize(size)
    channels = [image, image.rotate(90).resize(size), Image.new("L", size, 90)]
    if mode == "RGBA":
        channels.append(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    return Image.merge(mode, channels[: len(mode)])


def _rotated_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: show it rotated 90 degrees
    return _encoded(_picture((2048, 1536)), "JPEG", quality=90, exif=exif.tobytes())


CASES = {
    "2K JPEG": lambda: _encoded(_picture((2048, 2048)), "JPEG", quality=90),
    "JPEG with EXIF orientation": _rotated_jpeg,
    "PNG with alpha": lambda: _encoded(_picture((1536, 1024), "RGBA"), "PNG"),
    "WebP": lambda: _encoded(_picture((1024, 1536)), "WEBP", quality=85),
    "small JPEG (no shrink)": lambda: _encoded(_picture((300, 200)), "JPEG"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_thumbnail_made_while_verifying_is_make_thumbnails_bytes(case: str) -> None:
    data = CASES[case]()
    verified = verify_image(data)
    assert verified.thumbnail == make_thumbnail(data, max_side=THUMBNAIL_SIDE)
    with Image.open(io.BytesIO(verified.thumbnail)) as thumbnail:
        assert max(thumbnail.size) == min(THUMBNAIL_SIDE, max(verified.width, verified.height))
    # The size reported is the image's own, not the scale it was decoded at.
    with Image.open(io.BytesIO(data)) as original:
        assert (verified.width, verified.height) == original.size


def test_a_truncated_jpeg_is_still_refused() -> None:
    data = CASES["2K JPEG"]()
    with pytest.raises(ProviderError, match="not a readable JPEG, PNG or WebP"):
        verify_image(data[: len(data) * 2 // 3], provider="ark")


@pytest.mark.django_db
def test_storage_uses_the_verified_thumbnail_without_decoding_again(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    verified = verify_image(CASES["2K JPEG"]())

    def no_second_decode(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("the output was decoded a second time for its thumbnail")

    monkeypatch.setattr(output_services, "make_thumbnail", no_second_decode)
    monkeypatch.setattr(brand_images, "make_thumbnail", no_second_decode)
    stored = output_store(
        OutputImage(
            index=0,
            data=verified.data,
            content_type=verified.content_type,
            thumbnail=verified.thumbnail,
        )
    )
    with default_storage.open(stored.thumbnail_name) as saved:
        assert saved.read() == verified.thumbnail
