"""Content-addressed file storage through Django's storage API (local disk or S3).

A file's name is derived from its sha256, so the same bytes are stored once, a stored file is never
rewritten, and a payload pointer (`sha256:<hex>`) always finds the same bytes.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage


def content_addressed_name(*, folder: str, sha256: str, extension: str) -> str:
    return f"{folder}/{sha256[:2]}/{sha256}.{extension.lstrip('.').lower()}"


def store_content_addressed(
    data: bytes, *, folder: str, extension: str, storage: Storage | None = None
) -> tuple[str, str]:
    """Store `data` under its hash unless already there; return (storage name, sha256)."""
    storage = storage or default_storage
    sha256 = hashlib.sha256(data).hexdigest()
    name = content_addressed_name(folder=folder, sha256=sha256, extension=extension)
    if not storage.exists(name):
        saved_name = storage.save(name, ContentFile(data))
        if saved_name != name:
            # Two writers raced on the same bytes: keep one copy, the names hold identical content.
            storage.delete(saved_name)
    return name, sha256
