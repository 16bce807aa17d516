"""OpenAPI tweaks: every operation documents the shared error body for the answers it can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

from api.serializers import ErrorSerializer

READ_ERRORS = {"400", "401", "404", "429"}
WRITE_ERRORS = READ_ERRORS | {"403", "409", "422"}


class BrandkitAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        for code in sorted(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses
