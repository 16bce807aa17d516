"""The client's IP address, for login throttling: REMOTE_ADDR, or the address our own proxies saw.

X-Forwarded-For is written by whoever sends the request, so only the entries appended by proxies
we run can be believed: with `BRANDKIT_TRUSTED_PROXY_COUNT` = N, the client is the N-th address
from the right. With 0 (the default: no proxy in front) the header is ignored, so a client
cannot dodge the lockout by inventing a new address on every try.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "BRANDKIT_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer hops than configured proxies: the header did not come through all of them.
        return remote
    return forwarded[-count]
