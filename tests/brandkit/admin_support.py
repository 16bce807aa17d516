"""Helpers for driving Django admin change forms with the test client, as a browser would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse

from tests.brandkit.hostile_samples import Sample


def admin_url(obj: Model, action: str = "change") -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{action}", args=[obj.pk])


def stored_files(root: Path) -> set[str]:
    """Every file under `root`, as paths relative to it."""
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def field_value(bound_field: Any) -> Any:
    """What a browser sends back for a bound field as rendered (None: nothing at all)."""
    value = bound_field.value()
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if hasattr(value, "url"):  # a stored file: browsers never send it back
        return None
    return str(value)


def form_post_data(page: Any) -> dict[str, Any]:
    """The POST body of an admin add/change form exactly as rendered, inlines and management
    forms included; a test then changes only what it means to change."""
    data: dict[str, Any] = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = field_value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def inline_prefix(page: Any, model: type[Model]) -> str:
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"the page has no {model.__name__} inline")


def add_inline_row(data: dict[str, Any], prefix: str, **fields: Any) -> None:
    """Add one row to an inline formset, as the admin's "Add another" link does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value


def upload(sample: Sample) -> SimpleUploadedFile:
    return SimpleUploadedFile(sample.filename, sample.data, sample.content_type)
