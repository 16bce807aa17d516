"""Shared pieces of the API views: query-parameter parsing and scoped lookups."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from api.errors import error_body


def int_param(request: Request, name: str) -> int | None:
    """An optional positive integer query parameter; a bad value is a 400 naming the field."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise ValidationError({name: ["Enter a positive whole number."]})
    return int(raw)


def choice_param(request: Request, name: str, choices: Any) -> str | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    valid = [value for value, _ in choices]
    if raw not in valid:
        raise ValidationError({name: [f"Choose one of: {', '.join(valid)}."]})
    return raw


def get_scoped(queryset: QuerySet, **lookup: Any) -> Model:
    """The one object of a user-scoped queryset matching `lookup`, else 404 (never 403)."""
    # Ids past the database's bigint would make it raise; no such row can exist anyway.
    if any(isinstance(value, int) and not 0 <= value < 2**63 for value in lookup.values()):
        raise NotFound()
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj


def not_found(request: HttpRequest) -> JsonResponse:
    """The JSON 404 for paths under /api/ that match no endpoint."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)
