"""Writes on poster templates: create, edit drafts, publish with checks, archive, new version."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from django.db import transaction

from brandkit.choices import AuditVerb, TextRendering, VersionStatus
from brandkit.exceptions import InvalidTemplate
from brandkit.models import Brand, PosterTemplate, TemplateTextSlot
from brandkit.services.versioning import (
    ensure_editable,
    ensure_transition,
    next_version_number,
    open_draft,
    version_archive,
    version_publish,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

EDITABLE_FIELDS = (
    "description",
    "canvas_width",
    "canvas_height",
    "export_sizes",
    "prompt_template",
    "default_reference_pack",
    "text_rendering",
    "logo_variant",
    "logo_box_x",
    "logo_box_y",
    "logo_box_width",
    "logo_box_height",
    "logo_anchor",
    "safe_inset",
    "focal_x",
    "focal_y",
)
SLOT_FIELDS = (
    "key",
    "label",
    "position",
    "box_x",
    "box_y",
    "box_width",
    "box_height",
    "font_role",
    "color_role",
    "alignment",
    "max_characters",
    "min_font_size",
    "max_font_size",
    "max_lines",
    "rendering",
)


def prompt_variables(prompt_template: str) -> list[str]:
    """The `{slot}` names of a prompt template, in order; refuses malformed braces clearly."""
    try:
        parsed = list(string.Formatter().parse(prompt_template))
    except ValueError as exc:
        raise InvalidTemplate(f"The prompt template has unbalanced braces: {exc}.") from exc
    names: list[str] = []
    for _literal, field_name, _spec, _conversion in parsed:
        if field_name is None:
            continue
        if not field_name.isidentifier():
            raise InvalidTemplate(
                f"{{{field_name}}} is not a valid slot name; use letters, digits and underscores."
            )
        if field_name not in names:
            names.append(field_name)
    return names


def poster_template_create(
    *, brand: Brand, name: str, prompt_template: str, **fields: Any
) -> PosterTemplate:
    """Start a new template as version 1, a draft."""
    prompt_variables(prompt_template)
    template = PosterTemplate(
        brand=brand, name=name, prompt_template=prompt_template, version=1, **fields
    )
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def poster_template_update(*, template: PosterTemplate, **fields: Any) -> PosterTemplate:
    template = PosterTemplate.objects.select_for_update().get(pk=template.pk)
    ensure_editable(template)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidTemplate(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(template, name, value)
    prompt_variables(template.prompt_template)
    template.full_clean()
    template.save(update_fields=[*fields, "updated_at"])
    return template


@transaction.atomic
def poster_template_set_slot(
    *, template: PosterTemplate, key: str, **fields: Any
) -> TemplateTextSlot:
    """Create or change the text slot `key` of a draft template."""
    template = PosterTemplate.objects.select_for_update().get(pk=template.pk)
    ensure_editable(template)
    slot = TemplateTextSlot.objects.filter(template=template, key=key).first() or TemplateTextSlot(
        template=template, key=key
    )
    for name, value in fields.items():
        setattr(slot, name, value)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def poster_template_remove_slot(*, template: PosterTemplate, key: str) -> None:
    """Remove the text slot `key` of a draft template (nothing happens if it has none)."""
    template = PosterTemplate.objects.select_for_update().get(pk=template.pk)
    ensure_editable(template)
    TemplateTextSlot.objects.filter(template=template, key=key).delete()


def poster_template_check(template: PosterTemplate) -> list[str]:
    """Everything that stops a template from being published, as readable sentences."""
    problems: list[str] = []
    slots = list(template.text_slots.all())
    slot_keys = {slot.key for slot in slots}
    variables = prompt_variables(template.prompt_template)
    for variable in variables:
        if variable not in slot_keys:
            problems.append(f"The prompt uses {{{variable}}} but no text slot has that key.")
    for slot in slots:
        rendering = slot.rendering or template.text_rendering
        if rendering == TextRendering.PROMPT and slot.key not in variables:
            problems.append(
                f"Text slot '{slot.key}' is for the model to render, but the prompt does not "
                f"use {{{slot.key}}}."
            )
    canvas = (template.canvas_width, template.canvas_height)
    for slot in slots:
        if slot.box_x + slot.box_width > canvas[0] or slot.box_y + slot.box_height > canvas[1]:
            problems.append(
                f"Text slot '{slot.key}' reaches outside the {canvas[0]}x{canvas[1]} canvas."
            )
    if template.logo_variant and template.logo_box is None:
        problems.append("A logo variant is chosen but the logo box is incomplete.")
    box = template.logo_box
    if box and (box[0] + box[2] > canvas[0] or box[1] + box[3] > canvas[1]):
        problems.append("The logo box reaches outside the canvas.")
    pack = template.default_reference_pack
    if pack is not None and (
        pack.brand_id != template.brand_id or pack.status != VersionStatus.PUBLISHED
    ):
        problems.append("The default reference pack must be a published pack of the same brand.")
    for preset in template.export_sizes:
        if not (isinstance(preset, dict) and {"name", "width", "height"} <= preset.keys()):
            problems.append('Each export size needs "name", "width" and "height".')
            break
    return problems


@transaction.atomic
def poster_template_publish(*, template: PosterTemplate, user: AbstractBaseUser) -> PosterTemplate:
    """Freeze a draft after checking that its prompt, slots and boxes fit together."""
    template = PosterTemplate.objects.select_for_update().get(pk=template.pk)
    ensure_transition(template, VersionStatus.PUBLISHED)
    problems = poster_template_check(template)
    if problems:
        raise InvalidTemplate(" ".join(problems))
    version_publish(template, user=user, verb=AuditVerb.TEMPLATE_PUBLISHED, data={})
    return template


@transaction.atomic
def poster_template_archive(
    *, template: PosterTemplate, user: AbstractBaseUser | None = None
) -> PosterTemplate:
    template = PosterTemplate.objects.select_for_update().get(pk=template.pk)
    version_archive(template, user=user, verb=AuditVerb.TEMPLATE_ARCHIVED)
    return template


@transaction.atomic
def poster_template_new_version(*, template: PosterTemplate) -> PosterTemplate:
    """Edit a published template: a draft version n + 1 with the same fields and text slots."""
    existing = open_draft(PosterTemplate, template)
    if existing is not None:
        return existing
    draft = PosterTemplate.objects.create(
        brand_id=template.brand_id,
        name=template.name,
        version=next_version_number(PosterTemplate, brand_id=template.brand_id, name=template.name),
        derived_from=template,
        **{name: getattr(template, name) for name in EDITABLE_FIELDS},
    )
    TemplateTextSlot.objects.bulk_create(
        TemplateTextSlot(template=draft, **{name: getattr(slot, name) for name in SLOT_FIELDS})
        for slot in template.text_slots.all()
    )
    return draft
