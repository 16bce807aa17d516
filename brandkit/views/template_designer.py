"""The poster template designer: canvas, safe area, focal point, text slots, logo and export
presets edited in the browser with a live preview; publish freezes the version, editing a
published template makes version n + 1.

The live preview posts the unsaved form to `template_design_preview`, which draws it with the
real compositor (brand fonts, fitting, logo) over a placeholder or an existing version of the
brand, and answers 422 naming the slot when sample text cannot fit.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from PIL import Image

from brandkit.choices import ColorRole, MembershipRole, VersionStatus
from brandkit.compositing import (
    TextDoesNotFit,
    compose_poster,
    draw_guides,
    fit_all,
    placeholder_image,
)
from brandkit.exceptions import BrandkitError
from brandkit.forms import PosterTemplateCreateForm, SlotDesignFormSet, TemplateDesignForm
from brandkit.models import PosterTemplate, TemplateTextSlot
from brandkit.selectors import FALLBACK_COLORS, brand_role, poster_template_get_for_user
from brandkit.services.poster_layouts import template_layout
from brandkit.services.poster_templates import (
    EDITABLE_FIELDS,
    poster_template_create,
    poster_template_new_version,
    poster_template_publish,
    poster_template_remove_slot,
    poster_template_set_slot,
    poster_template_update,
)

PREVIEW_MAX_SIDE = 800
SLOT_FIELDS = (
    "key",
    "label",
    "rendering",
    "box_x",
    "box_y",
    "box_width",
    "box_height",
    "font_role",
    "color_role",
    "alignment",
    "min_font_size",
    "max_font_size",
    "max_characters",
    "max_lines",
)
# The template fields the designer edits (the description and default pack stay in the admin).
DESIGN_FIELDS = tuple(name for name in TemplateDesignForm.base_fields if name != "preview_version")
assert set(DESIGN_FIELDS) <= set(EDITABLE_FIELDS)  # noqa: S101 (an import-time guard)


def _template_for_admin(request: HttpRequest, pk: int) -> PosterTemplate:
    try:
        template = poster_template_get_for_user(pk=pk, user=request.user)
    except PosterTemplate.DoesNotExist as exc:
        raise Http404("No such template.") from exc
    if brand_role(user=request.user, brand=template.brand) != MembershipRole.ADMIN:
        raise PermissionDenied("Only the brand's admins can design its templates.")
    return template


def _initial(template: PosterTemplate) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fields = {name: getattr(template, name) for name in DESIGN_FIELDS}
    fields["export_sizes"] = TemplateDesignForm.presets_text(template.export_sizes or [])
    slots = [
        {**{name: getattr(slot, name) for name in SLOT_FIELDS}, "sample": slot.label}
        for slot in template.text_slots.all()
    ]
    return fields, slots


def _bound(request: HttpRequest) -> tuple[TemplateDesignForm, Any]:
    return TemplateDesignForm(request.POST), SlotDesignFormSet(request.POST, prefix="slot")


def _kept_slots(formset: Any) -> list[dict[str, Any]]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@login_required
def template_design(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for_admin(request, pk)
    editable = template.status == VersionStatus.DRAFT
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("A published template is frozen; make a new version.")
        form, formset = _bound(request)
        if form.is_valid() and formset.is_valid():
            try:
                _save(template, form.cleaned_data, _kept_slots(formset))
            except (BrandkitError, ValidationError) as exc:
                form.add_error(None, getattr(exc, "message", None) or "; ".join(exc.messages))
            else:
                messages.success(request, f"Saved {template}.")
                return redirect("brandkit:template_design", pk=template.pk)
    else:
        fields, slots = _initial(template)
        form = TemplateDesignForm(initial=fields)
        formset = SlotDesignFormSet(initial=slots, prefix="slot")
    from projects.selectors.campaigns import recent_versions_of_brand

    return render(
        request,
        "brandkit/template_design.html",
        {
            "template": template,
            "form": form,
            "formset": formset,
            "editable": editable,
            "recent_versions": recent_versions_of_brand(brand_id=template.brand_id),
        },
    )


@transaction.atomic
def _save(template: PosterTemplate, fields: dict[str, Any], slots: list[dict[str, Any]]) -> None:
    poster_template_update(template=template, **{name: fields[name] for name in DESIGN_FIELDS})
    keys = [slot["key"] for slot in slots]
    if len(set(keys)) != len(keys):
        raise ValidationError("Two text slots have the same key.")
    for key in set(template.text_slots.values_list("key", flat=True)) - set(keys):
        poster_template_remove_slot(template=template, key=key)
    for position, slot in enumerate(slots):
        values = {name: slot[name] for name in SLOT_FIELDS if name != "key"}
        poster_template_set_slot(template=template, key=slot["key"], position=position, **values)


def _preview_source(template: PosterTemplate, version_id: int | None, size: tuple[int, int]):
    from projects.models import AssetVersion  # the brand library does not import campaigns

    colors = {c.role: c.hex for c in template.brand.colors.all()}
    if version_id:
        version = AssetVersion.objects.filter(
            pk=version_id, asset__campaign__brand=template.brand
        ).first()
        if version is None:
            raise ValidationError("No version with that id in this brand.")
        with version.image.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            image.load()
        return image
    return placeholder_image(
        size,
        colors.get(ColorRole.PRIMARY) or FALLBACK_COLORS[ColorRole.PRIMARY],
        colors.get(ColorRole.BACKGROUND) or FALLBACK_COLORS[ColorRole.BACKGROUND],
    )


@login_required
@require_POST
def template_design_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The unsaved design drawn with the real compositor, as a PNG (or 400/422 with errors)."""
    template = _template_for_admin(request, pk)
    form, formset = _bound(request)
    if not (form.is_valid() and formset.is_valid()):
        errors = [str(e) for e in form.non_field_errors()]
        errors += [
            f"{form[name].label}: {e[0]}" for name, e in form.errors.items() if name != "__all__"
        ]
        for index, slot_errors in enumerate(formset.errors, start=1):
            errors += [f"Slot {index} {name}: {e[0]}" for name, e in slot_errors.items()]
        return JsonResponse({"errors": errors}, status=400)
    data = form.cleaned_data
    draft = PosterTemplate(
        brand=template.brand, name=template.name, **{n: data[n] for n in DESIGN_FIELDS}
    )
    slots = _kept_slots(formset)
    unsaved = [
        TemplateTextSlot(template=draft, **{name: slot[name] for name in SLOT_FIELDS})
        for slot in slots
    ]
    laid_out = template_layout(template=draft, brand=template.brand, slots=unsaved)
    samples = {slot["key"]: slot.get("sample", "") for slot in slots}
    full = laid_out.layout
    scale = min(1.0, PREVIEW_MAX_SIDE / max(full.canvas))
    # Draw at preview size (a 8192 px canvas would cost seconds per keystroke), but decide what
    # fits at full size, as a request would; if rounding at the small size refuses text that
    # fits at full size, draw at full size instead.
    small = full.scaled_to(
        max(1, round(full.canvas[0] * scale)), max(1, round(full.canvas[1] * scale))
    )
    try:
        fit_all(full, samples, laid_out.files)
        source = _preview_source(template, data.get("preview_version"), small.canvas)
        try:
            poster, drawn = compose_poster(source, small, samples, laid_out.files), small
        except TextDoesNotFit:
            poster, drawn = compose_poster(source, full, samples, laid_out.files), full
    except TextDoesNotFit as exc:
        return JsonResponse({"errors": [exc.message], "slot": exc.key}, status=422)
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    image = poster.image
    draw_guides(image, drawn)
    image.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "no-store"
    if laid_out.missing:
        response["X-Brandkit-Missing"] = (
            " ".join(laid_out.missing)[:500].encode("ascii", "replace").decode()
        )
    return response


@login_required
@require_POST
def template_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a new template (draft v1, 2048x2048) and open it in the designer."""
    from brandkit.views.brands import brand_get_or_404

    brand = brand_get_or_404(request, slug)
    if brand_role(user=request.user, brand=brand) != MembershipRole.ADMIN:
        raise PermissionDenied("Only the brand's admins can add poster templates.")
    form = PosterTemplateCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the new template a name and a prompt.")
        return redirect(brand.get_absolute_url())
    try:
        template = poster_template_create(brand=brand, **form.cleaned_data)
    except BrandkitError as exc:
        messages.error(request, exc.message)
        return redirect(brand.get_absolute_url())
    except ValidationError:
        messages.error(request, "This brand already has a poster template with that name.")
        return redirect(brand.get_absolute_url())
    messages.success(request, f"Created {template}: add its slots, then publish it.")
    return redirect("brandkit:template_design", pk=template.pk)


@login_required
@require_POST
def template_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for_admin(request, pk)
    try:
        published = poster_template_publish(template=template, user=request.user)
    except BrandkitError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Published {published}; it is frozen now.")
    return redirect("brandkit:template_design", pk=template.pk)


@login_required
@require_POST
def template_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for_admin(request, pk)
    draft = poster_template_new_version(template=template)
    messages.success(request, f"Editing {draft}, a draft.")
    return redirect("brandkit:template_design", pk=draft.pk)
