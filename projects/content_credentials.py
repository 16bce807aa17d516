"""Content credentials on exported images: plain metadata always, a C2PA manifest when signing
is configured (`BRANDKIT_C2PA_CERT` / `BRANDKIT_C2PA_KEY`).

The metadata (PNG text chunk or JPEG EXIF description) names the version id and the payload hash,
and is written before signing: nothing may touch a file after its manifest is signed. The C2PA
manifest states the image is AI-generated (`trainedAlgorithmicMedia`) and names the approval.
When the provider's output already carried a manifest (Seedream 5.0 Pro outputs do), it is kept
as the parent ingredient with the EDIT intent; CREATE would silently discard it. Signing uses no
network: no timestamp authority, and reading never fetches remote manifests.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image
from PIL.PngImagePlugin import PngInfo

METADATA_KEY = "brandkit"
EXIF_IMAGE_DESCRIPTION = 0x010E
CLAIM_GENERATOR = {"name": "Brandkit", "version": "1"}
ASSERTION_LABEL = "com.brandkit.export"
SIGNED, UNSIGNED = "signed", "unsigned"
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
COMPOSITE_SOURCE = (
    "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
)


class SigningError(Exception):
    """Signing is configured but failed (a bad certificate or key, a c2pa error)."""


@dataclass(frozen=True)
class Credentials:
    """What an exported file says about itself."""

    version_id: int
    asset_id: int
    payload_sha256: str
    provider: str
    model: str
    template: str
    preset: str
    approved_by: str
    approved_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "asset_id": self.asset_id,
            "payload_sha256": self.payload_sha256,
            "provider": self.provider,
            "model": self.model,
            "template": self.template,
            "preset": self.preset,
            "approval": {"approved_by": self.approved_by, "approved_at": self.approved_at},
        }


def signing_configured() -> bool:
    return bool(settings.BRANDKIT_C2PA_CERT and settings.BRANDKIT_C2PA_KEY)


def encode_with_metadata(image: Image.Image, fmt: str, credentials: Credentials) -> bytes:
    """PNG or JPEG bytes carrying the credentials as JSON (text chunk / EXIF description)."""
    text = json.dumps(credentials.as_dict(), sort_keys=True, separators=(",", ":"))
    buffer = io.BytesIO()
    if fmt == "png":
        info = PngInfo()
        info.add_itxt(METADATA_KEY, text)
        image.save(buffer, format="PNG", pnginfo=info, compress_level=3)
    elif fmt == "jpeg":
        exif = Image.Exif()
        exif[EXIF_IMAGE_DESCRIPTION] = f"{METADATA_KEY}:{text}"
        image.convert("RGB").save(buffer, format="JPEG", quality=92, exif=exif.tobytes())
    else:
        raise ValueError(f"Unknown export format {fmt!r}.")
    return buffer.getvalue()


def read_metadata(data: bytes) -> dict[str, Any] | None:
    """The credentials JSON embedded by `encode_with_metadata`, if any."""
    with Image.open(io.BytesIO(data)) as image:
        if image.format == "PNG":
            text = image.text.get(METADATA_KEY)  # type: ignore[attr-defined]
        else:
            description = image.getexif().get(EXIF_IMAGE_DESCRIPTION, "")
            prefix = f"{METADATA_KEY}:"
            text = description[len(prefix) :] if description.startswith(prefix) else None
    return json.loads(text) if text else None


def _offline_context() -> Any:
    import c2pa

    return c2pa.Context(
        settings=c2pa.Settings.from_dict(
            {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
        )
    )


def has_manifest(data: bytes, mime_type: str) -> bool:
    """Whether `data` carries a C2PA manifest (read offline)."""
    import c2pa

    try:
        reader = c2pa.Reader(mime_type, io.BytesIO(data), context=_offline_context())
    except c2pa.C2paError:
        return False
    try:
        return reader.get_active_manifest() is not None
    except c2pa.C2paError:
        return False
    finally:
        reader.close()


@lru_cache(maxsize=4)
def _pem(path: str) -> bytes:
    return Path(path).read_bytes()


def sign(
    data: bytes,
    fmt: str,
    *,
    title: str,
    credentials: Credentials,
    parent: tuple[bytes, str] | None = None,
) -> tuple[bytes, str]:
    """Return (bytes, "signed"), or the bytes unchanged and "unsigned" without a configured
    certificate. `parent` is the provider's original output (bytes, mime type): when it carries
    a manifest it becomes the parent ingredient and the intent is EDIT."""
    if not signing_configured():
        return data, UNSIGNED
    import c2pa

    mime_type = MIME_TYPES[fmt]
    manifest = {
        "claim_generator_info": [CLAIM_GENERATOR],
        "title": title,
        "format": mime_type,
        "assertions": [{"label": ASSERTION_LABEL, "data": credentials.as_dict()}],
    }
    try:
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(
                alg=b"es256",
                sign_cert=_pem(settings.BRANDKIT_C2PA_CERT),
                private_key=_pem(settings.BRANDKIT_C2PA_KEY),
                ta_url=None,
            )
        )
        builder = c2pa.Builder(manifest, context=_offline_context())
        if parent is not None and has_manifest(*parent):
            parent_bytes, parent_mime = parent
            builder.add_ingredient(
                {"title": "Provider output", "relationship": "parentOf"},
                parent_mime,
                io.BytesIO(parent_bytes),
            )
            builder.set_intent(c2pa.C2paBuilderIntent.EDIT)
            builder.add_action({"action": "c2pa.edited", "digitalSourceType": COMPOSITE_SOURCE})
        else:
            builder.set_intent(
                c2pa.C2paBuilderIntent.CREATE,
                c2pa.C2paDigitalSourceType.TRAINED_ALGORITHMIC_MEDIA,
            )
        destination = io.BytesIO()
        builder.sign(signer, mime_type, io.BytesIO(data), destination)
    except (c2pa.C2paError, OSError) as exc:
        raise SigningError(f"Could not sign the export: {exc}") from exc
    return destination.getvalue(), SIGNED


def read_manifest(data: bytes, mime_type: str) -> dict[str, Any]:
    """The C2PA manifest store of `data` as JSON (offline; for tests and support)."""
    import c2pa

    reader = c2pa.Reader(mime_type, io.BytesIO(data), context=_offline_context())
    try:
        return json.loads(reader.json())
    finally:
        reader.close()
