"""Serving stored media from local storage with long-lived cache headers.

Every file Brandkit stores is content-addressed (`folder/xx/<sha256>[-size].ext`, see
`brandkit.storage` and `brandkit.thumbnails`) and never rewritten, so a URL always means the same
bytes and browsers may keep them for a year without asking again. Only names of exactly that shape
are served; anything else is a 404, and the path handed to the storage is rebuilt from the parts
the pattern matched, never taken from the request. On S3 this view is not routed: the bucket
serves the files, with the same Cache-Control set on upload (settings `object_parameters`).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

CACHE_CONTROL = "public, max-age=31536000, immutable"
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


def content_addressed_file(name: str) -> tuple[str, str, str] | None:
    """(storage name, sha256, content type) for a well-formed content-addressed name, else None."""
    match = CONTENT_ADDRESSED_NAME.fullmatch(name)
    if match is None:
        return None
    folder, prefix, sha256 = match["folder"], match["prefix"], match["sha256"]
    content_types = FOLDER_TYPES.get(folder, {})
    if match["extension"] not in content_types or prefix != sha256[:2]:
        return None
    stored_name = f"{folder}/{prefix}/{sha256}{match['size'] or ''}.{match['extension']}"
    return stored_name, sha256, content_types[match["extension"]]


# Login is required although the names are unguessable sha256 hashes: media belongs to brands,
# and a login keeps a leaked URL (a pasted link, a referrer) from opening files to the world.
# There is no per-brand check, which would cost a lookup across every table that stores files on
# each thumbnail request; any signed-in user who already knows a file's hash can fetch it. The
# response is still "public" so the browser (and a private proxy, if any) can keep it for a year:
# the same URL can never mean other bytes. Put a shared CDN in front only if that is acceptable.
@login_required
@require_safe
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    if not isinstance(default_storage, FileSystemStorage):
        raise Http404("Media is served by the storage backend.")
    found = content_addressed_file(name)
    if found is None:
        raise Http404("No such file.")
    stored_name, sha256, content_type = found
    if not default_storage.exists(stored_name):
        raise Http404("No such file.")
    etag = f'"{sha256}"'
    response = get_conditional_response(request, etag=etag) or FileResponse(
        default_storage.open(stored_name, "rb"), content_type=content_type
    )
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    return response
