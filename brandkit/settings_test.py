"""Test settings: real settings plus fast hashing, in-memory email and media in a temp folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

from brandkit.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="brandkit-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEFAULT_IMAGE_PROVIDER = "local"
# WhiteNoise warns when STATIC_ROOT does not exist; tests never collect static files.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="brandkit-test-static-"))
