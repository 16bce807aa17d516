"""One error body for the whole API: {"code", "message", "field"} (+ "errors" per field).

Domain errors raised by the services the web app uses are mapped here, so the API refuses the
same things with the same words, and a client can branch on `code`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.exceptions import CsvBatchRejected, IdempotencyKeyReused
from brandkit import exceptions as brandkit_errors
from brandkit.images import ImageRejected
from projects import exceptions as project_errors
from projects.services.approvals import NotAllowed, StaleVersion

# Most specific first: the first matching class decides.
DOMAIN_ERRORS: list[tuple[type[Exception], int, str]] = [
    (IdempotencyKeyReused, 422, "idempotency_key_reused"),
    (project_errors.BudgetExceeded, 422, "budget_exceeded"),
    (project_errors.GenerationRefused, 422, "generation_refused"),
    (project_errors.InvalidTransition, 409, "invalid_transition"),
    (StaleVersion, 409, "stale_version"),
    (NotAllowed, 403, "not_allowed"),
    (project_errors.ProjectsError, 400, "refused"),
    (brandkit_errors.NotPermitted, 403, "not_allowed"),
    (brandkit_errors.InvalidTransition, 409, "invalid_transition"),
    (brandkit_errors.ImmutableVersion, 409, "immutable_version"),
    (brandkit_errors.PackFull, 409, "pack_full"),
    (ImageRejected, 422, "image_rejected"),
    (brandkit_errors.BrandkitError, 400, "refused"),
]


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field or None, **extra}


def _first_error(detail: Any, prefix: str = "") -> tuple[str | None, str]:
    """The first (field, message) of a DRF error detail, nested fields joined with dots."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key == "non_field_errors" else f"{prefix}{key}"
            field, message = _first_error(value, f"{name}." if name else prefix)
            return field or name, message
    if isinstance(detail, list) and detail:
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                field, message = _first_error(value, f"{prefix}{index}.")
                if message:
                    return field, message
            else:
                return None, str(value)
    return None, str(detail) if detail else ""


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, CsvBatchRejected):
        body = error_body("csv_invalid", exc.message, "file", errors=exc.problems)
        return Response(body, status=422)
    for cls, http_status, code in DOMAIN_ERRORS:
        if isinstance(exc, cls):
            message = getattr(exc, "message", str(exc))
            return Response(
                error_body(code, message, getattr(exc, "field", None)), status=http_status
            )
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        field, message = _first_error(errors)
        return Response(error_body("invalid", message, field, errors=errors), status=400)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_error(exc.detail)
        response.data = error_body("invalid", message, field, errors=exc.detail)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        code = code if isinstance(code, str) else exc.default_code
        if isinstance(exc, exceptions.Throttled):
            code = "rate_limited"
        if response.status_code == status.HTTP_404_NOT_FOUND:
            code = "not_found"
            exc.detail = exceptions.ErrorDetail("Not found.")
        response.data = error_body(code, str(exc.detail))
    return response
