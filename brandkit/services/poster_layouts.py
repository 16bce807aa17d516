"""A poster template as the compositor sees it: overlay slots, logo, safe area, focal point,
export presets, and the brand's font and logo bytes they need.

Reads only (files through Django's storage); the pure drawing lives in `brandkit.compositing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.files.storage import default_storage

from brandkit.brand_checks import CheckThresholds
from brandkit.choices import ColorRole, TextRendering
from brandkit.compositing import LogoLayout, PosterLayout, TextSlotLayout, fit_all
from brandkit.models import Brand, PosterTemplate, TemplateTextSlot
from brandkit.selectors import FALLBACK_COLORS

# When a slot's font role has no font, these roles are tried in order.
FONT_ROLE_FALLBACK = ("heading", "body", "accent")
MAX_PRESET_SIDE = 8192


@dataclass(frozen=True)
class ExportPreset:
    name: str
    width: int
    height: int

    @property
    def slug(self) -> str:
        cleaned = "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")
        return f"{cleaned or 'preset'}-{self.width}x{self.height}"


@dataclass(frozen=True)
class TemplateLayout:
    """Everything needed to draw and check posters from one template version."""

    layout: PosterLayout
    files: Mapping[str, bytes]
    palette: tuple[str, ...]
    thresholds: CheckThresholds
    missing: tuple[str, ...]  # why some overlay could not be laid out (a font or logo missing)


def export_presets(template: PosterTemplate) -> list[ExportPreset]:
    """The template's export presets; the canvas itself when it names none."""
    presets = []
    for entry in template.export_sizes or []:
        try:
            width, height = int(entry["width"]), int(entry["height"])
        except (KeyError, TypeError, ValueError):
            continue
        if 16 <= width <= MAX_PRESET_SIDE and 16 <= height <= MAX_PRESET_SIDE:
            presets.append(ExportPreset(str(entry.get("name") or "Preset")[:60], width, height))
    return presets or [ExportPreset("Canvas", template.canvas_width, template.canvas_height)]


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def template_layout(
    *,
    template: PosterTemplate,
    brand: Brand | None = None,
    slots: Iterable[TemplateTextSlot] | None = None,
) -> TemplateLayout:
    """The compositor's layout for `template`, with the brand's files read from storage.

    Only overlay slots are drawn (prompt slots are in the prompt). A slot whose font role has no
    font uses the brand's heading, body or accent font in that order; with no font at all, or
    without the chosen logo variant, the poster is drawn without it and `missing` says so.
    `slots` replaces the template's saved slots (the designer previews unsaved edits).
    """
    brand = brand or template.brand
    colors: dict[str, str] = {}
    for color in brand.colors.all():
        colors.setdefault(color.role, color.hex)
    fonts = {font.role: font for font in brand.fonts.all()}
    files: dict[str, bytes] = {}
    missing: list[str] = []
    slot_layouts = []
    for slot in template.text_slots.all() if slots is None else slots:
        if (slot.rendering or template.text_rendering) != TextRendering.OVERLAY:
            continue
        roles = (slot.font_role, *FONT_ROLE_FALLBACK)
        font = next((fonts[role] for role in roles if role in fonts), None)
        data = _read(font.file.name) if font is not None else None
        if font is None or data is None:
            missing.append(f"No brand font to draw “{slot.label or slot.key}”.")
            continue
        files[font.sha256] = data
        slot_layouts.append(
            TextSlotLayout(
                key=slot.key,
                label=slot.label or slot.key,
                box=(slot.box_x, slot.box_y, slot.box_width, slot.box_height),
                font_sha256=font.sha256,
                color=colors.get(slot.color_role) or FALLBACK_COLORS[ColorRole(slot.color_role)],
                alignment=slot.alignment,
                min_size=slot.min_font_size,
                max_size=slot.max_font_size,
                max_lines=slot.max_lines,
            )
        )
    logo = None
    if template.logo_box is not None:
        brand_logo = next(
            (x for x in brand.logos.all() if x.variant == template.logo_variant), None
        )
        data = _read(brand_logo.file.name) if brand_logo is not None else None
        if brand_logo is None or data is None:
            missing.append(f"The brand has no {template.get_logo_variant_display()} logo.")
        else:
            files[brand_logo.sha256] = data
        logo = LogoLayout(
            box=template.logo_box,
            sha256=brand_logo.sha256 if brand_logo else "",
            anchor=template.logo_anchor,
        )
    layout = PosterLayout(
        canvas=(template.canvas_width, template.canvas_height),
        slots=tuple(slot_layouts),
        logo=logo,
        safe_inset=template.safe_inset,
        focal_point=(template.focal_x, template.focal_y),
    )
    return TemplateLayout(
        layout=layout,
        files=files,
        palette=tuple(color.hex for color in brand.colors.all()),
        thresholds=CheckThresholds(
            palette_delta_e=brand.check_palette_delta_e,
            palette_min_share=brand.check_palette_min_share,
        ),
        missing=tuple(missing),
    )


def slot_values_fit(*, template: PosterTemplate, values: Mapping[str, str]) -> None:
    """Check that the overlay text fits the canvas and every export preset.

    Raises `brandkit.compositing.TextDoesNotFit` naming the first slot that does not fit, so a
    request is refused before anything is sent to a provider.
    """
    laid_out = template_layout(template=template)
    fit_all(laid_out.layout, values, laid_out.files)
    for preset in export_presets(template):
        fit_all(laid_out.layout.scaled_to(preset.width, preset.height), values, laid_out.files)
