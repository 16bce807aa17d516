"""Poster template previews: pure drawing (no database), named by a hash of their inputs."""

from __future__ import annotations

import dataclasses
import hashlib
import io

import pytest
from PIL import Image

from brandkit.template_previews import (
    PreviewLogo,
    PreviewSlot,
    TemplatePreviewSpec,
    preview_digest,
    preview_size,
    render_template_preview,
)
from tests.brandkit.hostile_samples import DEJAVU_SANS_BOLD, encode

FONT = DEJAVU_SANS_BOLD.read_bytes()
FONT_SHA = hashlib.sha256(FONT).hexdigest()
LOGO = encode(Image.new("RGBA", (64, 64), (242, 107, 29, 255)), "PNG")
LOGO_SHA = hashlib.sha256(LOGO).hexdigest()
FILES = {FONT_SHA: FONT, LOGO_SHA: LOGO}


def spec(**changes: object) -> TemplatePreviewSpec:
    base = TemplatePreviewSpec(
        canvas=(1440, 2560),
        background="#FAF6F0",
        slots=(
            PreviewSlot(
                label="Product name",
                box=(120, 1900, 1200, 220),
                color="#1D1D1F",
                font_sha256=FONT_SHA,
                font_size=160,
            ),
            PreviewSlot(label="Mood line", box=(120, 2160, 1200, 160), color="#1D1D1F"),
        ),
        logo=PreviewLogo(box=(1160, 80, 200, 200), label="Logo (Primary)", sha256=LOGO_SHA),
    )
    return dataclasses.replace(base, **changes)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("canvas", "max_side", "size"),
    [
        ((1440, 2560), 800, (450, 800)),
        ((2048, 1024), 800, (800, 400)),
        ((1000, 1000), 192, (192, 192)),
    ],
)
def test_preview_is_a_png_scaled_to_max_side(
    canvas: tuple[int, int], max_side: int, size: tuple[int, int]
) -> None:
    preview = spec(canvas=canvas, max_side=max_side)
    image = decoded(render_template_preview(preview, files=FILES))

    assert image.format == "PNG"
    assert image.size == preview_size(preview) == size


def test_preview_bytes_are_deterministic() -> None:
    assert render_template_preview(spec(), files=FILES) == render_template_preview(
        spec(), files=FILES
    )
    assert preview_digest(spec()) == preview_digest(spec())


def test_different_slots_give_a_different_image_and_name() -> None:
    moved = spec(slots=(PreviewSlot(label="Headline", box=(120, 200, 1200, 300), color="#3B2417"),))

    assert render_template_preview(moved, files=FILES) != render_template_preview(
        spec(), files=FILES
    )
    assert preview_digest(moved) != preview_digest(spec())


def test_slot_box_is_drawn_in_its_colour_role_and_logo_is_placed() -> None:
    image = decoded(render_template_preview(spec(), files=FILES)).convert("RGB")
    scale = 800 / 2560

    # The slot's outline is drawn in the slot colour, the logo box holds the logo's orange.
    assert image.getpixel((round(120 * scale), round(2000 * scale))) == (29, 29, 31)
    assert image.getpixel((round(1260 * scale), round(180 * scale))) == (242, 107, 29)
    # Away from every box the background colour shows.
    assert image.getpixel((10, 10)) == (250, 246, 240)


def test_missing_logo_and_unreadable_font_fall_back_instead_of_failing() -> None:
    broken = render_template_preview(spec(), files={FONT_SHA: b"not a font"})
    colors = {color for _count, color in decoded(broken).convert("RGB").getcolors(100_000)}

    assert (242, 107, 29) not in colors  # no logo pixels: the box is drawn empty, labelled
    assert broken != render_template_preview(spec(), files=FILES)


def test_font_and_logo_are_part_of_the_name_by_hash() -> None:
    other_logo = dataclasses.replace(spec().logo, sha256="0" * 64)

    assert preview_digest(spec(logo=other_logo)) != preview_digest(spec())
    assert preview_digest(spec(background="#FFFFFF")) != preview_digest(spec())
    assert spec().file_hashes == {FONT_SHA, LOGO_SHA}


def test_label_that_never_fits_is_shortened_not_overflowing() -> None:
    tiny = spec(
        slots=(
            PreviewSlot(label="A very long slot label " * 5, box=(0, 0, 300, 60), color="#000000"),
        ),
        logo=None,
    )
    image = decoded(render_template_preview(tiny, files={})).convert("RGB")

    # The box is 94x19 preview pixels; nothing is drawn to its right or below it.
    right_of_box = image.crop((96, 0, 450, 40)).getcolors()
    below_box = image.crop((0, 21, 450, 800)).getcolors()
    assert right_of_box == [(354 * 40, (250, 246, 240))]
    assert below_box == [(450 * 779, (250, 246, 240))]
    assert len(image.crop((0, 0, 94, 19)).getcolors(maxcolors=10_000)) > 2
