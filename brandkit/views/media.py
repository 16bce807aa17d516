"""Serving stored media from local storage to members of a brand that uses the file.

Every file Brandkit stores is content-addressed (`folder/xx/<sha256>[-size].ext`, see
`brandkit.storage` and `brandkit.thumbnails`) and never rewritten, so a URL always means the same
bytes and browsers may keep them for a year without asking again (privately: the answer depends
on who asks, see brandkit/media_access.py). Only names of exactly that shape
are served; anything else is a 404, and the path handed to the storage is rebuilt from the parts
the pattern matched, never taken from the request. On S3 this view is not routed: the bucket
serves the files through signed URLs, with the same Cache-Control set on upload (settings
`object_parameters`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from brandkit.media_access import user_may_read_file

# "private": a shared cache must never hand one brand's file to another brand's user.
CACHE_CONTROL = "private, max-age=31536000, immutable"
IMAGE_EXTENSIONS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
FONT_EXTENSIONS = {"ttf": "font/ttf", "otf": "font/otf"}
# The folders written by content-addressed storage, and the files each may hold.
FOLDER_TYPES = {
    "thumbs": IMAGE_EXTENSIONS,
    "references": IMAGE_EXTENSIONS,
    "outputs": IMAGE_EXTENSIONS,
    "logos": IMAGE_EXTENSIONS,
    "previews": IMAGE_EXTENSIONS,
    "posters": IMAGE_EXTENSIONS,
    "fonts": FONT_EXTENSIONS,
}
CONTENT_ADDRESSED_NAME = re.compile(
    r"(?P<folder>[a-z]{4,10})/(?P<prefix>[0-9a-f]{2})/(?P<sha256>[0-9a-f]{64})"
    r"(?P<size>-[1-9][0-9]{0,4})?\.(?P<extension>[a-z]{3,4})"
)


@dataclass(frozen=True)
class ContentAddressedFile:
    stored_name: str
    folder: str
    sha256: str
    size: int | None
    content_type: str


def content_addressed_file(name: str) -> ContentAddressedFile | None:
    """The parts of a well-formed content-addressed name, else None."""
    match = CONTENT_ADDRESSED_NAME.fullmatch(name)
    if match is None:
        return None
    folder, prefix, sha256 = match["folder"], match["prefix"], match["sha256"]
    content_types = FOLDER_TYPES.get(folder, {})
    if match["extension"] not in content_types or prefix != sha256[:2]:
        return None
    stored_name = f"{folder}/{prefix}/{sha256}{match['size'] or ''}.{match['extension']}"
    size = int(match["size"][1:]) if match["size"] else None
    return ContentAddressedFile(
        stored_name, folder, sha256, size, content_types[match["extension"]]
    )


# A hash is not a secret (it travels in payloads, referrers, pasted links), so every request is
# checked against the user's brands: a file is served only to members of a brand with a row that
# points at it, and anyone else gets the same 404 as for a missing file. The answer is "private"
# so the browser may keep it for a year (the URL can never mean other bytes) but no shared cache.
@login_required
@require_safe
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    if not isinstance(default_storage, FileSystemStorage):
        raise Http404("Media is served by the storage backend.")
    found = content_addressed_file(name)
    if found is None:
        raise Http404("No such file.")
    if not user_may_read_file(
        user=request.user, folder=found.folder, sha256=found.sha256, size=found.size
    ):
        raise Http404("No such file.")
    if not default_storage.exists(found.stored_name):
        raise Http404("No such file.")
    etag = f'"{found.sha256}"'
    response = get_conditional_response(request, etag=etag) or FileResponse(
        default_storage.open(found.stored_name, "rb"), content_type=found.content_type
    )
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    return response
