"""What a token may do: read everything its user may see; write only with the write scope."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from api.choices import TokenScope
from api.models import ApiToken


class TokenScopePermission(permissions.BasePermission):
    message = "This token is read-only; make a read-and-write token to change things."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return isinstance(token, ApiToken) and token.scope == TokenScope.WRITE
