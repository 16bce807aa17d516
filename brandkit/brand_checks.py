"""Brand checks on a composited poster: numbers a reviewer can trust, with a short explanation.

Pure Pillow + maths: no models. Each check returns pass, warn or fail with its figures; checks
inform reviewers and never reject anything by themselves.

- Palette adherence: the image is reduced to its dominant colours (median-cut on a small copy, so
  a 2048x2048 poster costs a few milliseconds), each compared with the brand palette by CIEDE2000;
  the share of pixels within the brand's threshold must reach the brand's minimum share.
- Contrast: WCAG 2 contrast of each overlay text colour against the pixels under its text block,
  taken at the 10th percentile (the darkest/lightest tenth decides, not the average); 4.5:1 for
  body text, 3:1 for large text. "Large" is WCAG's 24 CSS px, read on the poster scaled to a
  1080 px wide screen.
- Logo: present, inside the safe area, and standing out 3:1 (WCAG non-text contrast) from what
  lies under it, comparing average colours of the pixels it covers.
- Size and aspect: the generated image against the canvas it has to cover.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from PIL import Image, ImageChops, ImageStat

from brandkit.compositing import ComposedPoster, Rect, hex_rgb

PASS, WARN, FAIL = "pass", "warn", "fail"
STATUS_ORDER = {PASS: 0, WARN: 1, FAIL: 2}
SAMPLE_SIDE = 96  # palette sampling resolution
DOMINANT_COLOURS = 24
CONTRAST_PERCENTILE = 0.10
WCAG_BODY, WCAG_LARGE = 4.5, 3.0
LARGE_TEXT_PX_AT_1080 = 24
ASPECT_TOLERANCE = 0.01
UPSCALE_WARN = 1.25
LOGO_CONTRAST = 3.0  # WCAG 2 non-text contrast (1.4.11)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class CheckThresholds:
    """Per-brand thresholds (stored on the brand)."""

    palette_delta_e: float = 12.0  # CIEDE2000 distance counted as "a brand colour"
    palette_min_share: float = 0.6  # share of pixels that must be brand colours


@dataclass(frozen=True)
class CheckResult:
    key: str
    label: str
    status: str
    summary: str
    figures: dict[str, object] = field(default_factory=dict)


def worst_status(results: Iterable[CheckResult]) -> str:
    return max((r.status for r in results), key=STATUS_ORDER.__getitem__, default=PASS)


def results_json(results: Iterable[CheckResult]) -> list[dict[str, object]]:
    return [asdict(result) for result in results]


# --- colour maths ---------------------------------------------------------------------------


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""
    r, g, b = (_linear(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB, second: RGB) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb_to_lab(rgb: RGB) -> tuple[float, float, float]:
    """sRGB (D65) to CIELAB."""
    r, g, b = (_linear(v) for v in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_mean = (h1p + h2p + 360) / 2
    else:
        hp_mean = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp_mean - 30))
        + 0.24 * math.cos(math.radians(2 * hp_mean))
        + 0.32 * math.cos(math.radians(3 * hp_mean + 6))
        - 0.20 * math.cos(math.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * math.exp(-(((hp_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dl / s_l) ** 2 + (dc / s_c) ** 2 + (dH / s_h) ** 2 + r_t * (dc / s_c) * (dH / s_h)
    )


# --- checks ---------------------------------------------------------------------------------


def dominant_colours(image: Image.Image, count: int = DOMINANT_COLOURS) -> list[tuple[float, RGB]]:
    """(share of pixels, colour) of the image's dominant colours, most common first."""
    small = image.convert("RGB")
    small.thumbnail((SAMPLE_SIDE, SAMPLE_SIDE), Image.Resampling.BOX)
    quantised = small.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    total = small.width * small.height
    colours = quantised.getcolors(maxcolors=256) or []
    found = [
        (n / total, (palette[3 * i], palette[3 * i + 1], palette[3 * i + 2])) for n, i in colours
    ]
    return sorted(found, reverse=True)


def check_palette(
    image: Image.Image, palette: Sequence[str], thresholds: CheckThresholds
) -> CheckResult:
    label = "Palette adherence"
    if not palette:
        return CheckResult("palette", label, WARN, "The brand has no palette to compare with.")
    brand_labs = [(hex_value, rgb_to_lab(hex_rgb(hex_value))) for hex_value in palette]
    within = 0.0
    dominant: list[dict[str, object]] = []
    for share, colour in dominant_colours(image):
        lab = rgb_to_lab(colour)
        distance, nearest = min((ciede2000(lab, brand), h) for h, brand in brand_labs)
        if distance <= thresholds.palette_delta_e:
            within += share
        if len(dominant) < 6:
            dominant.append(
                {
                    "colour": "#{:02X}{:02X}{:02X}".format(*colour),
                    "share": round(share, 3),
                    "nearest": nearest,
                    "delta_e": round(distance, 1),
                }
            )
    status = PASS if within >= thresholds.palette_min_share else WARN
    summary = (
        f"{within:.0%} of the pixels are within ΔE2000 {thresholds.palette_delta_e:g} of a brand "
        f"colour (minimum {thresholds.palette_min_share:.0%})."
    )
    return CheckResult(
        "palette",
        label,
        status,
        summary,
        {"share_within": round(within, 3), "dominant": dominant},
    )


def _percentile_contrast(region: Image.Image, text_rgb: RGB) -> tuple[float, float]:
    """(10th percentile, median) contrast of the text colour against the region's pixels."""
    small = region.convert("RGB")
    small.thumbnail((64, 64), Image.Resampling.BOX)
    histogram: dict[RGB, int] = {}
    for count, colour in small.getcolors(maxcolors=64 * 64) or []:
        histogram[colour] = count
    ratios = sorted(
        (contrast_ratio(text_rgb, colour), count) for colour, count in histogram.items()
    )
    total = sum(count for _ratio, count in ratios)

    def at(fraction: float) -> float:
        seen = 0
        for ratio, count in ratios:
            seen += count
            if seen >= fraction * total:
                return ratio
        return ratios[-1][0]

    return at(CONTRAST_PERCENTILE), at(0.5)


def check_contrast(poster: ComposedPoster) -> list[CheckResult]:
    results = []
    width = poster.background.width
    for text in poster.texts:
        if not text.lines:
            continue
        left, top, right, bottom = text.rect
        region = poster.background.crop(
            (max(0, left), max(0, top), max(left + 1, right), max(top + 1, bottom))
        )
        low, median = _percentile_contrast(region, hex_rgb(text.color))
        large = text.size * 1080 / width >= LARGE_TEXT_PX_AT_1080
        needed = WCAG_LARGE if large else WCAG_BODY
        status = PASS if low >= needed else (WARN if median >= needed else FAIL)
        summary = (
            f"“{text.key}”: contrast {low:.1f}:1 over the darkest/lightest tenth of its "
            f"background (median {median:.1f}:1); WCAG asks {needed:g}:1 for "
            f"{'large' if large else 'body'} text."
        )
        results.append(
            CheckResult(
                f"contrast:{text.key}",
                f"Contrast of {text.key}",
                status,
                summary,
                {"p10": round(low, 2), "median": round(median, 2), "required": needed},
            )
        )
    return results


def logo_contrast(poster: ComposedPoster) -> float | None:
    """Contrast of the logo's average colour against the average of what lies under it, over
    the pixels the logo changed (1.0 when it changed none: it is invisible); None without a
    placed logo."""
    if poster.logo_rect is None:
        return None
    drawn = poster.image.crop(poster.logo_rect)
    under = poster.background.crop(poster.logo_rect)
    mask = ImageChops.difference(drawn, under).convert("L").point(lambda v: 255 if v else 0)
    if mask.getbbox() is None:
        return 1.0
    logo_rgb = tuple(round(v) for v in ImageStat.Stat(drawn, mask).mean[:3])
    under_rgb = tuple(round(v) for v in ImageStat.Stat(under, mask).mean[:3])
    return contrast_ratio(logo_rgb, under_rgb)  # type: ignore[arg-type]


def check_logo(
    logo_rect: Rect | None,
    safe_rect: Rect,
    *,
    expected: bool,
    contrast: float | None = None,
) -> CheckResult:
    label = "Logo"
    if not expected:
        return CheckResult("logo", label, PASS, "This template places no logo.")
    if logo_rect is None:
        return CheckResult("logo", label, FAIL, "The logo is missing: upload the brand logo.")
    left, top, right, bottom = logo_rect
    inside = (
        left >= safe_rect[0]
        and top >= safe_rect[1]
        and right <= safe_rect[2]
        and bottom <= safe_rect[3]
    )
    summary = (
        "The logo is placed inside the safe area."
        if inside
        else "The logo reaches outside the safe area; it may be cropped in print or by apps."
    )
    visible = contrast is None or contrast >= LOGO_CONTRAST
    if contrast is not None:
        summary += f" It stands out {contrast:.1f}:1 from what lies under it" + (
            "." if visible else f"; WCAG asks {LOGO_CONTRAST:g}:1 for graphics."
        )
    figures: dict[str, object] = {"rect": list(logo_rect)}
    if contrast is not None:
        figures["contrast"] = round(contrast, 2)
    return CheckResult("logo", label, PASS if inside and visible else WARN, summary, figures)


def check_size(source_size: tuple[int, int], canvas: tuple[int, int]) -> CheckResult:
    label = "Size and aspect"
    source_aspect = source_size[0] / source_size[1]
    canvas_aspect = canvas[0] / canvas[1]
    aspect_off = abs(source_aspect - canvas_aspect) / canvas_aspect
    upscale = max(canvas[0] / source_size[0], canvas[1] / source_size[1])
    problems = []
    if aspect_off > ASPECT_TOLERANCE:
        problems.append(f"its aspect differs from the canvas by {aspect_off:.0%}, so it is cropped")
    if upscale > UPSCALE_WARN:
        problems.append(f"it is enlarged {upscale:.2f}x to cover the canvas")
    summary = (
        f"The generated image is {source_size[0]}x{source_size[1]} for a "
        f"{canvas[0]}x{canvas[1]} canvas" + (": " + "; ".join(problems) + "." if problems else ".")
    )
    return CheckResult(
        "size",
        label,
        WARN if problems else PASS,
        summary,
        {
            "source": list(source_size),
            "canvas": list(canvas),
            "aspect_difference": round(aspect_off, 4),
            "upscale": round(upscale, 3),
        },
    )


def run_brand_checks(
    poster: ComposedPoster,
    *,
    source_size: tuple[int, int],
    palette: Sequence[str],
    thresholds: CheckThresholds,
    safe_rect: Rect,
    logo_expected: bool,
) -> list[CheckResult]:
    """Every brand check on a composited poster."""
    return [
        check_palette(poster.image, palette, thresholds),
        *check_contrast(poster),
        check_logo(
            poster.logo_rect,
            safe_rect,
            expected=logo_expected,
            contrast=logo_contrast(poster),
        ),
        check_size(source_size, poster.background.size),
    ]
