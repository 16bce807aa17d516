"""The storage-backed ReferenceStore: resolves payload pointers to the stored files' bytes.

A pointer (`sha256:<hex>`) names bytes that live either in a brand reference pack or in an asset
version (an edit uses a version as its reference). Both are content-addressed and immutable, so
the same pointer always resolves to the same data URI: re-sending a stored payload sends the
identical body.
"""

from __future__ import annotations

from django.core.files.storage import default_storage

from brandkit.models import ReferenceImage
from brandkit.storage import store_content_addressed
from projects.models import AssetVersion
from projects.providers.references import ReferenceNotFound, pointer_for, sniff_content_type

CONTENT_TYPES_BY_EXTENSION = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


class StoredReferences:
    """Implements `projects.providers.references.ReferenceStore` over Django storage."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def _name(self, sha256: str) -> str:
        if sha256 not in self._names:
            name = (
                ReferenceImage.objects.filter(sha256=sha256).values_list("file", flat=True).first()
                or AssetVersion.objects.filter(image_sha256=sha256)
                .values_list("image", flat=True)
                .first()
            )
            if not name:
                raise ReferenceNotFound(f"sha256:{sha256}")
            self._names[sha256] = name
        return self._names[sha256]

    def read(self, sha256: str) -> bytes:
        with default_storage.open(self._name(sha256), "rb") as stored:
            return stored.read()

    def content_type(self, sha256: str) -> str:
        # Stored names carry the extension of the validated format, so no second read is needed.
        extension = self._name(sha256).rsplit(".", 1)[-1].lower()
        return CONTENT_TYPES_BY_EXTENSION.get(extension) or (
            sniff_content_type(self.read(sha256)) or "application/octet-stream"
        )

    def put(self, data: bytes) -> str:
        content_type = sniff_content_type(data) or "image/png"
        name, sha256 = store_content_addressed(
            data, folder="references", extension=content_type.removeprefix("image/")
        )
        self._names[sha256] = name
        return pointer_for(data)
