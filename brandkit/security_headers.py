"""Response headers that limit what a page may load and leak: CSP, Permissions-Policy.

The Content-Security-Policy allows scripts from this origin only: no inline `<script>`, no
`on*=` handler attributes, no eval. Every script lives in static/js/, and
tests/projects/test_security_headers.py renders every page and fails on anything inline. Inline
`style` attributes stay allowed (progress bars and swatches size themselves with them), which
cannot run code. Media may come from the S3 endpoint when a bucket is configured (signed URLs).
Referrer-Policy is set by Django's SecurityMiddleware (`SECURE_REFERRER_POLICY`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)


def media_sources() -> str:
    """Where stored files are fetched from besides this origin (the S3 endpoint, if any)."""
    if not settings.AWS_STORAGE_BUCKET_NAME:
        return ""
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    endpoint = options.get("endpoint_url") or ""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme and parts.netloc:
        return f" {parts.scheme}://{parts.netloc} {parts.scheme}://*.{parts.netloc}"
    return " https://*.amazonaws.com"


def content_security_policy() -> str:
    media = media_sources()
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{media}",
            f"font-src 'self' data:{media}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
