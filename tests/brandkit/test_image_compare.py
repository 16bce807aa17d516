"""perceptual_distance: 0.0 for the same bytes, small for the same picture encoded differently,
large for different pictures."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from brandkit.image_compare import perceptual_distance


def _picture(size: tuple[int, int] = (320, 240), *, inverted: bool = False) -> Image.Image:
    """A gradient with a bright block: enough structure for compression to matter."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    ImageDraw.Draw(image).rectangle(
        (width // 8, height // 8, width // 3, height // 2), fill="white"
    )
    if inverted:
        image = Image.eval(image, lambda value: 255 - value)
    return image


def _encode(image: Image.Image, format: str, **options: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def test_the_same_bytes_are_exactly_zero_apart() -> None:
    data = _encode(_picture(), "JPEG", quality=90)
    assert perceptual_distance(data, data) == 0.0


def test_the_same_picture_encoded_differently_is_a_small_distance() -> None:
    picture = _picture()
    original = _encode(picture, "JPEG", quality=95)
    for other in (
        _encode(picture, "JPEG", quality=40),
        _encode(picture, "PNG"),
        _encode(picture.resize((640, 480)), "JPEG", quality=80),  # another size, same picture
    ):
        assert other != original
        assert 0.0 <= perceptual_distance(original, other) < 0.02


def test_a_slightly_edited_picture_is_a_small_but_nonzero_distance() -> None:
    picture = _picture()
    edited = picture.copy()
    ImageDraw.Draw(edited).ellipse((200, 150, 260, 200), fill="black")
    distance = perceptual_distance(_encode(picture, "JPEG"), _encode(edited, "JPEG"))
    assert 0.0 < distance < 0.1


def test_very_different_pictures_are_a_large_distance() -> None:
    picture = _encode(_picture(), "JPEG")
    assert perceptual_distance(picture, _encode(_picture(inverted=True), "JPEG")) > 0.4
    black = _encode(Image.new("RGB", (64, 64), "black"), "PNG")
    white = _encode(Image.new("RGB", (64, 64), "white"), "PNG")
    assert perceptual_distance(black, white) == 1.0
    assert perceptual_distance(white, black) == 1.0
