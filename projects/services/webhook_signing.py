"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<raw body>", sent in one header.

    Brandkit-Signature: t=1764736800,v1=<64 hex digits of HMAC-SHA256>

A receiver recomputes the HMAC with its endpoint secret over the timestamp, a dot and the raw
request body (bytes, before any JSON parsing), compares in constant time, and refuses a
timestamp older than the replay window. `signature_verify` is that recipe; the README has a
stand-alone copy for receivers.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Brandkit-Signature"
REPLAY_WINDOW_SECONDS = 300


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature_compute(secret=secret, timestamp=timestamp, body=body)}"


def signature_verify(
    *,
    secret: str,
    header: str,
    body: bytes,
    tolerance: int = REPLAY_WINDOW_SECONDS,
    now: float | None = None,
) -> bool:
    """True when `header` signs `body` with `secret` and its timestamp is within `tolerance`."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
