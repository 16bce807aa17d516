"""How alike two images look: a perceptual distance for reproductions of hosted generations.

Plain Pillow, no models. Both images are reduced to 64x64 greyscale (small enough that JPEG noise
and resampling detail wash out, large enough to see composition changes), and the distance is the
mean absolute difference of those pixels, scaled to 0 (same) .. 1 (opposite).
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageStat

COMPARE_SIDE = 64


def _reduced(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.draft("L", (COMPARE_SIDE * 2, COMPARE_SIDE * 2))
        return image.convert("L").resize((COMPARE_SIDE, COMPARE_SIDE), Image.Resampling.BOX)


def perceptual_distance(first: bytes, second: bytes) -> float:
    """0.0 for images that look the same, up to 1.0; identical bytes give exactly 0.0."""
    if first == second:
        return 0.0
    difference = ImageChops.difference(_reduced(first), _reduced(second))
    return round(ImageStat.Stat(difference).mean[0] / 255, 4)
