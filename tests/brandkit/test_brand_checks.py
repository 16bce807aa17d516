"""Brand checks against constructed images whose answers are known."""

from __future__ import annotations

import hashlib

import pytest
from PIL import Image, ImageDraw

from brandkit.brand_checks import (
    FAIL,
    PASS,
    WARN,
    CheckThresholds,
    check_logo,
    check_palette,
    check_size,
    ciede2000,
    contrast_ratio,
    run_brand_checks,
    worst_status,
)
from brandkit.compositing import PosterLayout, TextSlotLayout, compose_poster
from tests.brandkit.hostile_samples import DEJAVU_SANS_BOLD

FONT = DEJAVU_SANS_BOLD.read_bytes()
FONT_SHA = hashlib.sha256(FONT).hexdigest()
PALETTE = ["#0A3D62", "#F26B1D", "#FAF6F0"]


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu and Dalal (2005) test data
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_wcag_contrast_ratios() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((0, 0, 0), (0, 0, 0)) == pytest.approx(1.0)


def striped(colours: list[str]) -> Image.Image:
    image = Image.new("RGB", (600, 600))
    draw = ImageDraw.Draw(image)
    for index, colour in enumerate(colours):
        draw.rectangle((0, index * 600 // len(colours), 599, 600), fill=colour)
    return image


def test_an_all_brand_colour_image_passes_the_palette_check() -> None:
    result = check_palette(striped(PALETTE), PALETTE, CheckThresholds())
    assert result.status == PASS
    assert result.figures["share_within"] == pytest.approx(1.0, abs=0.01)


def test_an_off_palette_image_warns_with_its_share() -> None:
    result = check_palette(striped(["#00FF00", "#FF00FF", "#0A3D62"]), PALETTE, CheckThresholds())
    assert result.status == WARN
    assert result.figures["share_within"] == pytest.approx(1 / 3, abs=0.02)
    assert "33%" in result.summary
    # A looser brand threshold counts more as on-brand.
    loose = check_palette(
        striped(["#0B3E63", "#F36C1E"]), PALETTE, CheckThresholds(palette_delta_e=2)
    )
    assert loose.status == PASS


def poster(text_colour: str, background: str, **slot_changes: object):
    slot = TextSlotLayout(
        key="headline",
        label="Headline",
        box=(50, 50, 500, 120),
        font_sha256=FONT_SHA,
        color=text_colour,
        min_size=10,
        max_size=12,
        **slot_changes,  # type: ignore[arg-type]
    )
    layout = PosterLayout(canvas=(600, 600), slots=(slot,))
    return compose_poster(
        Image.new("RGB", (600, 600), background), layout, {"headline": "Hello"}, {FONT_SHA: FONT}
    )


def test_black_text_on_black_fails_contrast_and_white_on_black_passes() -> None:
    dark = [
        r
        for r in run_brand_checks(
            poster("#000000", "#000000"),
            source_size=(600, 600),
            palette=PALETTE,
            thresholds=CheckThresholds(),
            safe_rect=(0, 0, 600, 600),
            logo_expected=False,
        )
        if r.key.startswith("contrast")
    ]
    assert dark[0].status == FAIL
    assert dark[0].figures["p10"] == pytest.approx(1.0)
    assert dark[0].figures["required"] == 4.5  # 12 px on 600 px is 21.6 px at 1080: body text
    light = [
        r
        for r in run_brand_checks(
            poster("#FFFFFF", "#000000"),
            source_size=(600, 600),
            palette=PALETTE,
            thresholds=CheckThresholds(),
            safe_rect=(0, 0, 600, 600),
            logo_expected=False,
        )
        if r.key.startswith("contrast")
    ]
    assert light[0].status == PASS
    assert light[0].figures["p10"] == pytest.approx(21.0)


def test_contrast_counts_the_worst_tenth_of_a_busy_background() -> None:
    background = Image.new("RGB", (600, 600), "black")
    ImageDraw.Draw(background).rectangle((300, 0, 600, 600), fill="white")  # half under the text
    layout = PosterLayout(
        canvas=(600, 600),
        slots=(
            TextSlotLayout(
                "headline", "Headline", (0, 250, 600, 100), FONT_SHA, "#FFFFFF", "center", 10, 40
            ),
        ),
    )
    composed = compose_poster(
        background, layout, {"headline": "Half and half text"}, {FONT_SHA: FONT}
    )
    result = run_brand_checks(
        composed,
        source_size=(600, 600),
        palette=PALETTE,
        thresholds=CheckThresholds(),
        safe_rect=(0, 0, 600, 600),
        logo_expected=False,
    )
    contrast = next(r for r in result if r.key == "contrast:headline")
    assert contrast.figures["p10"] == pytest.approx(1.0)
    assert contrast.status in (WARN, FAIL)
    assert worst_status(result) in (WARN, FAIL)


def test_logo_inside_and_outside_the_safe_area_and_missing() -> None:
    safe = (50, 50, 550, 550)
    assert check_logo((60, 60, 100, 100), safe, expected=True).status == PASS
    assert check_logo((10, 60, 100, 100), safe, expected=True).status == WARN
    assert check_logo(None, safe, expected=True).status == FAIL
    assert check_logo(None, safe, expected=False).status == PASS


def test_size_and_aspect() -> None:
    assert check_size((2048, 2048), (2048, 2048)).status == PASS
    cropped = check_size((2048, 1152), (2048, 2048))
    assert cropped.status == WARN and "cropped" in cropped.summary
    enlarged = check_size((1024, 1024), (2048, 2048))
    assert enlarged.status == WARN and enlarged.figures["upscale"] == 2.0


def test_a_logo_that_vanishes_into_its_background_warns() -> None:
    import io

    from brandkit.compositing import LogoLayout

    buffer = io.BytesIO()
    Image.new("RGBA", (100, 50), (242, 107, 29, 255)).save(buffer, "PNG")
    logo = buffer.getvalue()
    sha = hashlib.sha256(logo).hexdigest()
    layout = PosterLayout(canvas=(400, 400), logo=LogoLayout((250, 300, 100, 50), sha))

    def logo_check(background: str):
        composed = compose_poster(Image.new("RGB", (400, 400), background), layout, {}, {sha: logo})
        results = run_brand_checks(
            composed,
            source_size=(400, 400),
            palette=PALETTE,
            thresholds=CheckThresholds(),
            safe_rect=(20, 20, 380, 380),
            logo_expected=True,
        )
        return next(r for r in results if r.key == "logo")

    hidden = logo_check("#F0691C")  # nearly the logo's own orange
    assert hidden.status == WARN and hidden.figures["contrast"] < 1.1
    assert "3:1" in hidden.summary
    visible = logo_check("#0A3D62")
    assert visible.status == PASS and visible.figures["contrast"] > 3
