"""Output image bytes: check them with Pillow, and keep what is stored free of bytes and secrets.

Every image a provider returns (base64, a data URI, or a downloaded URL) passes `verify_image`
before it is accepted: Pillow must decode it (every scan of a JPEG, every pixel of a PNG or WebP)
as a JPEG, PNG or WebP within
`Image.MAX_IMAGE_PIXELS` (research/reliability-perf.md §3.2). `scrub` makes the reply we keep as
`ProviderResult.raw`: no base64 bytes, no data URIs, no signed-URL queries, no secrets.
"""

from __future__ import annotations

import binascii
import io
import struct
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from brandkit.images import draft_for_thumbnail, thumbnail_from_decoded
from projects.image_slots import image_work
from projects.providers.errors import malformed, redact

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


# The longest side of the thumbnail stored beside every output (made while verifying it).
THUMBNAIL_SIDE = 512


@dataclass(frozen=True)
class VerifiedImage:
    """Image bytes that Pillow decoded, with the content type read from the bytes themselves,
    and the thumbnail made from that same decode (`make_thumbnail`'s bytes)."""

    data: bytes
    content_type: str
    width: int
    height: int
    thumbnail: bytes = b""


def verify_image(data: bytes, *, provider: str = "") -> VerifiedImage:
    """Decode the bytes with Pillow (JPEG, PNG or WebP only) or refuse them as not an image."""
    try:
        with image_work(), Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
            width, height = image.size
            limit = Image.MAX_IMAGE_PIXELS
            if limit and width * height > limit:
                raise malformed(
                    provider,
                    f"an output image has {width * height:,} pixels; the limit is {limit:,}",
                )
            image.verify()
        # verify() leaves the image unusable, so decode from a fresh open: every scan of a
        # JPEG (at the thumbnail's scale, which libjpeg reaches by skipping work, not data),
        # every pixel of a PNG or WebP. The thumbnail comes from this decode, not a second one.
        with image_work(), Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
            image_format = image.format or ""
            draft_for_thumbnail(image, THUMBNAIL_SIDE)
            image.load()
            thumbnail = thumbnail_from_decoded(image, max_side=THUMBNAIL_SIDE)
    except (*_DECODE_ERRORS, Image.DecompressionBombError) as exc:
        raise malformed(provider, "an output is not a readable JPEG, PNG or WebP image") from exc
    return VerifiedImage(data, Image.MIME[image_format], width, height, thumbnail)


def decode_b64(data: str, *, provider: str) -> VerifiedImage:
    """Bytes of a base64 output image, checked with Pillow."""
    try:
        # a2b_base64 reads an ASCII str in place; b64decode would first copy it to bytes (7 MB
        # more for a 2K image). strict_mode refuses what b64decode(validate=True) refuses.
        raw = binascii.a2b_base64(data, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise malformed(provider, "an output image is not valid base64") from exc
    return verify_image(raw, provider=provider)


def decode_data_uri(uri: str, *, provider: str) -> VerifiedImage:
    """Bytes of a `data:image/...;base64,` output (fal sync_mode), checked with Pillow."""
    header, _, data = uri.partition(",")
    if not header.startswith("data:image/") or not header.endswith(";base64"):
        raise malformed(provider, "an output data URI is not a base64 image")
    return decode_b64(data, provider=provider)


def strip_query(url: str) -> str:
    """The URL without its query: a signed URL's query is a credential for its storage bucket."""
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    return urllib.parse.urlunsplit(parts._replace(query="", fragment="")) + "?[query omitted]"


def scrub(value: Any, secrets: Sequence[str]) -> Any:
    """A JSON value fit to store: no image bytes, no signed-URL queries, no secrets."""
    if isinstance(value, Mapping):
        return {key: _scrub_field(key, item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, secrets) for item in value]
    if isinstance(value, str):
        if value.startswith("data:"):
            return f"[data URI of {len(value)} characters omitted]"
        if value.startswith(("http://", "https://")):
            value = strip_query(value)
        return redact(value, secrets)
    return value


def _scrub_field(key: str, value: Any, secrets: Sequence[str]) -> Any:
    if key == "b64_json" and isinstance(value, str):
        return f"[{len(value)} base64 characters omitted]"
    return scrub(value, secrets)
