"""Content-addressed reference images: pointers in stored payloads, data URIs on the wire.

A *stored* payload names each reference image by the sha256 of an immutable stored file
(`"sha256:<64 hex>"`), so a payload snapshot stays small and says exactly which bytes were sent.
Just before submitting, `resolve_payload` swaps each pointer for
`data:image/<fmt>;base64,<b64 of the exact stored bytes>`; `pointerize_payload` does the reverse.
http(s) URLs pass through both untouched. Both are pure: they copy the payload and touch no
database; the bytes come from a `ReferenceStore`.

The round trips are lossless: stored -> resolved -> stored gives the same pointers, and a body
made by `resolve_payload` survives resolved -> stored -> resolved byte for byte, because the data
URI format is derived from the bytes themselves (never from a file name or a declared type).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from projects.providers.base import REFERENCE_POINTER_PREFIX, InvalidSpec

# Where each provider's request body carries reference images: Ark and OpenAI-compatible
# aggregators use `image` (a string or a list), fal uses `image_urls` (a list).
REFERENCE_FIELDS = ("image", "image_urls")

POINTER_PATTERN = re.compile(r"^sha256:(?P<sha256>[0-9a-f]{64})$")
DATA_URI_PATTERN = re.compile(r"^data:image/(?P<format>[a-z0-9.+-]+);base64,(?P<data>.*)$", re.S)

# Magic numbers of the image formats a provider may accept (Ark: jpeg/png, later webp, bmp, tiff,
# gif). Sniffing the bytes, rather than trusting a file name, keeps the content type a pure
# function of the stored file, which is what makes the round trips lossless.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"WEBP", 8, "image/webp"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
)


class ReferenceNotFound(InvalidSpec):
    """A payload points at a reference image that the store does not hold."""

    def __init__(self, pointer: str) -> None:
        super().__init__(
            "references",
            f"reference image {pointer} is not in the reference store; it was never stored "
            "or has been deleted",
        )
        self.pointer = pointer


class ReferenceStore(Protocol):
    """Immutable, content-addressed storage for reference image bytes.

    `sha256` is the 64-character lower-case hex digest (no `sha256:` prefix). `read` raises
    `ReferenceNotFound` for an unknown digest. `put` is idempotent and returns the pointer. A
    storage-backed implementation keeps each file at `reference_storage_path(sha256)` and can get
    the content type from `sniff_content_type` on the bytes, so it needs no side table.
    """

    def read(self, sha256: str) -> bytes: ...

    def content_type(self, sha256: str) -> str: ...

    def put(self, data: bytes) -> str: ...


def sniff_content_type(data: bytes) -> str | None:
    """The image MIME type of `data` from its magic number, or None when it is not an image."""
    for magic, offset, content_type in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return content_type
    return None


def pointer_for(data: bytes) -> str:
    """The pointer (`sha256:<hex>`) that names these exact bytes."""
    return REFERENCE_POINTER_PREFIX + hashlib.sha256(data).hexdigest()


def parse_pointer(pointer: str) -> str:
    """The hex digest inside a pointer; InvalidSpec when it is not a well-formed pointer."""
    match = POINTER_PATTERN.match(pointer)
    if not match:
        raise InvalidSpec(
            "references", f"not a reference pointer (sha256:<64 hex>): {pointer[:80]!r}"
        )
    return match["sha256"]


def is_pointer(value: object) -> bool:
    """True for a string that is a well-formed reference pointer."""
    return isinstance(value, str) and POINTER_PATTERN.match(value) is not None


def reference_storage_path(sha256: str) -> str:
    """The storage path of a reference file, derived from its digest alone.

    Two levels of fan-out keep any one directory small; no extension, because the content type
    is read from the bytes (`sniff_content_type`).
    """
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256[:80]!r}")
    return f"references/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def encode_data_uri(data: bytes, content_type: str) -> str:
    """`data:image/<fmt>;base64,<b64>`; Ark requires the format in lower case."""
    image_format = content_type.lower().removeprefix("image/")
    return f"data:image/{image_format};base64,{base64.b64encode(data).decode('ascii')}"


def decode_data_uri(uri: str) -> tuple[str, bytes]:
    """(content type, bytes) of an image data URI; InvalidSpec when it is malformed."""
    match = DATA_URI_PATTERN.match(uri)
    if not match:
        raise InvalidSpec(
            "references", f"not a base64 image data URI (data:image/<fmt>;base64,…): {uri[:40]!r}"
        )
    try:
        data = base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidSpec("references", f"image data URI holds invalid base64: {error}") from error
    return f"image/{match['format']}", data


class InMemoryReferenceStore:
    """A `ReferenceStore` in a dict: for the command line and tests."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        """Store the bytes (refusing anything that is not an image) and return the pointer."""
        if sniff_content_type(data) is None:
            raise InvalidSpec("references", "reference is not a PNG, JPEG, WebP, GIF, BMP or TIFF")
        pointer = pointer_for(data)
        self._files[pointer.removeprefix(REFERENCE_POINTER_PREFIX)] = data
        return pointer

    def read(self, sha256: str) -> bytes:
        try:
            return self._files[sha256]
        except KeyError:
            raise ReferenceNotFound(REFERENCE_POINTER_PREFIX + sha256) from None

    def content_type(self, sha256: str) -> str:
        return sniff_content_type(self.read(sha256)) or "application/octet-stream"

    def __contains__(self, pointer: object) -> bool:
        return isinstance(pointer, str) and pointer.removeprefix(REFERENCE_POINTER_PREFIX) in (
            self._files
        )

    def __len__(self) -> int:
        return len(self._files)


def _map_references(payload: Mapping[str, Any], convert: Callable[[str], str]) -> dict[str, Any]:
    """A deep copy of payload with `convert` applied to every reference slot, at any depth
    (a provider may wrap its input, e.g. `{"input": {...}}`)."""
    result: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, Mapping):
            result[key] = _map_references(value, convert)
        elif key in REFERENCE_FIELDS and isinstance(value, str):
            result[key] = convert(value)
        elif key in REFERENCE_FIELDS and isinstance(value, list):
            result[key] = [convert(item) if isinstance(item, str) else item for item in value]
        else:
            result[key] = copy.deepcopy(value)
    return result


def resolve_payload(payload: Mapping[str, Any], store: ReferenceStore) -> dict[str, Any]:
    """The wire body: each pointer replaced by a data URI of the exact stored bytes.

    URLs and anything else in a reference slot pass through. Raises `ReferenceNotFound` (an
    InvalidSpec) when a pointer is not in the store.
    """

    def to_data_uri(value: str) -> str:
        if not is_pointer(value):
            return value
        sha256 = parse_pointer(value)
        data = store.read(sha256)
        return encode_data_uri(data, sniff_content_type(data) or store.content_type(sha256))

    return _map_references(payload, to_data_uri)


def pointerize_payload(body: Mapping[str, Any], store: ReferenceStore) -> dict[str, Any]:
    """The stored payload: each image data URI's bytes put in the store and replaced by a pointer.

    URLs and pointers pass through. Raises InvalidSpec for a malformed data URI.
    """

    def to_pointer(value: str) -> str:
        if not value.startswith("data:"):
            return value
        _content_type, data = decode_data_uri(value)
        return store.put(data)

    return _map_references(body, to_pointer)


def payload_pointers(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """Every pointer a payload references, in order of appearance (duplicates kept)."""
    found: list[str] = []

    def collect(value: str) -> str:
        if is_pointer(value):
            found.append(value)
        return value

    _map_references(payload, collect)
    return tuple(found)
