"""Package-private compositions for the local renderer: the picture under the labels.

Two looks, both built only from Pillow's C primitives (gradients, resize, ImageChops, ImageDraw) so
a 2048x2048 image takes a fraction of a second:

- text to image: a rotated palette gradient, soft noise clouds, translucent shapes and a glow;
- edit: the first reference fitted to the canvas, graded toward the palette, mirrored and/or
  vignetted as the instruction's hash says, with the other references as inset tiles.

`look` streams are shared by every image of a group (so the set hangs together); `variant`
streams differ per image (so no two are the same).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from projects.providers.local_drawing import RGB, HashStream, luminance

# Shapes and gradients are drawn at most this big and then scaled up: they are smooth, so the
# scaling costs no visible quality and keeps 4K renders fast.
ART_LONG_SIDE = 1024
# A reference keeps more detail, so edits work at up to this size.
EDIT_LONG_SIDE = 2048
# Applied in this order: contrast before the vignette, so the vignette is not stretched away.
EDIT_OPERATIONS = ("mirror", "contrast", "soften", "vignette")


def working_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """The canvas scaled down so its long side is at most `long_side`, keeping the aspect."""
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _rotated_gradient(size: tuple[int, int], angle: float) -> Image.Image:
    """A linear 0..255 ramp across `size` at `angle` degrees."""
    side = math.ceil(math.hypot(*size))
    ramp = Image.linear_gradient("L").resize((side, side), Image.Resampling.BILINEAR)
    ramp = ramp.rotate(angle, resample=Image.Resampling.BILINEAR)
    left, top = (side - size[0]) // 2, (side - size[1]) // 2
    return ramp.crop((left, top, left + size[0], top + size[1]))


def _clouds(size: tuple[int, int], stream: HashStream, cells: int) -> Image.Image:
    """Soft low-frequency noise: a few random cells scaled up smoothly."""
    noise = Image.frombytes("L", (cells, cells), stream.bytes(cells * cells))
    return noise.resize(size, Image.Resampling.BICUBIC)


def _glow(size: tuple[int, int], stream: HashStream, colour: RGB) -> Image.Image:
    """A soft spot of light in `colour`, off-centre, to lighten (screen) over a picture."""
    spot = ImageOps.invert(Image.radial_gradient("L"))
    scale = stream.between(0.9, 1.6)
    spot = spot.resize((round(size[0] * scale), round(size[1] * scale)), Image.Resampling.BILINEAR)
    layer = Image.new("L", size, 0)
    offset_x = round((size[0] - spot.width) * stream.unit())
    offset_y = round((size[1] - spot.height) * stream.unit())
    layer.paste(spot, (offset_x, offset_y))
    return ImageOps.colorize(layer.point(lambda level: level * 0.6), (0, 0, 0), colour)


def _vignette(size: tuple[int, int], strength: float) -> Image.Image:
    """A multiply mask: white in the middle, darker toward the edges."""
    ramp = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return ImageOps.invert(ramp.point(lambda level: min(255, int(level * strength)))).convert("RGB")


def _shapes(
    size: tuple[int, int], palette: Sequence[RGB], look: HashStream, variant: HashStream
) -> Image.Image:
    """Translucent circles, rings, bars and rounded tiles; layout from `look`, jitter from
    `variant`."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    width, height = size
    unit = min(size)
    for number in range(look.integer(4, 7)):
        colour = palette[number % len(palette)]
        alpha = look.integer(70, 190)
        centre_x = (look.unit() + variant.between(-0.12, 0.12)) * width
        centre_y = (look.unit() + variant.between(-0.12, 0.12)) * height
        radius = unit * look.between(0.08, 0.3) * variant.between(0.8, 1.2)
        box = (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius)
        kind = look.integer(0, 3)
        if kind == 0:
            draw.ellipse(box, fill=(*colour, alpha))
        elif kind == 1:
            draw.ellipse(box, outline=(*colour, alpha), width=max(2, round(radius / 5)))
        elif kind == 2:
            draw.rounded_rectangle(box, radius=radius / 4, fill=(*colour, alpha))
        else:
            band = radius / 2
            draw.polygon(
                [(centre_x - band, 0), (centre_x + band, 0), (centre_x - band * 3, height),
                 (centre_x - band * 5, height)],
                fill=(*colour, alpha // 2),
            )  # fmt: skip
    return layer


def compose_text_to_image(
    size: tuple[int, int], palette: Sequence[RGB], look: HashStream, variant: HashStream
) -> Image.Image:
    """An abstract composition in the palette, at working size."""
    dark, light = _leading_pair(palette)
    angle = look.between(0, 360) + variant.between(-25, 25)
    base = ImageOps.colorize(_rotated_gradient(size, angle), dark, light)
    clouds = _clouds(size, variant, look.integer(3, 6)).point(lambda level: level * 0.55)
    base.paste(Image.new("RGB", size, palette[2 % len(palette)]), (0, 0), clouds)
    base = base.convert("RGBA")
    base.alpha_composite(_shapes(size, palette, look, variant))
    glow = _glow(size, variant, palette[3 % len(palette)])
    return ImageChops.screen(base.convert("RGB"), glow)


def _leading_pair(palette: Sequence[RGB]) -> tuple[RGB, RGB]:
    """The first two palette colours (the brand's own when the prompt names them), dark first:
    they carry the picture, the rest are accents."""
    first, second = palette[0], palette[1]
    return (first, second) if luminance(first) <= luminance(second) else (second, first)


def edit_operations(instruction: str) -> tuple[str, ...]:
    """The transformations an instruction asks for, from its hash: at least one, at most three."""
    digest = hashlib.sha256(instruction.encode("utf-8")).digest()
    chosen = tuple(name for bit, name in enumerate(EDIT_OPERATIONS) if digest[0] >> bit & 1)
    return chosen[:3] or (EDIT_OPERATIONS[digest[1] % len(EDIT_OPERATIONS)],)


def compose_edit(
    size: tuple[int, int],
    palette: Sequence[RGB],
    references: Sequence[Image.Image],
    instruction: str,
    look: HashStream,
    variant: HashStream,
) -> Image.Image:
    """The first reference transformed by the instruction, other references as inset tiles."""
    centering = (0.5 + variant.between(-0.2, 0.2), 0.5 + variant.between(-0.2, 0.2))
    picture = ImageOps.fit(references[0], size, Image.Resampling.BICUBIC, centering=centering)
    dark, light = _leading_pair(palette)
    graded = ImageOps.colorize(picture.convert("L"), dark, light)
    picture = Image.blend(picture, graded, look.between(0.3, 0.55))
    for operation in edit_operations(instruction):
        picture = _apply_operation(picture, operation)
    picture = ImageChops.screen(picture, _glow(size, variant, palette[0]).point(lambda v: v // 2))
    _paste_tiles(picture, references[1:], palette)
    return picture


def _apply_operation(picture: Image.Image, operation: str) -> Image.Image:
    if operation == "mirror":
        return ImageOps.mirror(picture)
    if operation == "vignette":
        return ImageChops.multiply(picture, _vignette(picture.size, 0.8))
    if operation == "soften":
        return picture.filter(ImageFilter.BoxBlur(max(1, min(picture.size) // 400)))
    return ImageOps.autocontrast(picture, cutoff=2)


def _paste_tiles(
    picture: Image.Image, tiles: Sequence[Image.Image], palette: Sequence[RGB]
) -> None:
    """The other references as framed thumbnails in a column down the right edge."""
    if not tiles:
        return
    width, height = picture.size
    gap = max(4, min(width, height) // 60)
    top, bottom = round(height * 0.08), round(height * 0.78)
    tile = min(min(width, height) * 0.2, (bottom - top - gap * len(tiles)) / len(tiles))
    tile = max(8, int(tile))
    frame = max(1, tile // 30)
    left = width - gap - tile
    frame_colour = _leading_pair(palette)[1]
    for number, reference in enumerate(tiles):
        thumbnail = ImageOps.fit(reference, (tile, tile), Image.Resampling.BILINEAR)
        y = top + number * (tile + gap)
        picture.paste(
            frame_colour, (left - frame, y - frame, left + tile + frame, y + tile + frame)
        )
        picture.paste(thumbnail, (left, y))
