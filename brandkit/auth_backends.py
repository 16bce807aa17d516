"""django-axes' backend, for HTTP logins only.

AxesStandaloneBackend refuses an authenticate() call without a request (Django's test client
`login()`, a management command, a script): those are not logins over the network, where the
throttling matters, so they go straight on to the next backend instead of raising.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class HttpLoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
