"""Provenance already in a provider's output: a C2PA manifest (BytePlus signs some Seedream
outputs; research §0.8, §4.5). Detected when an output is stored and recorded on its version,
with the original bytes kept untouched, so a later export can sign with the EDIT intent and keep
the provider's manifest as its parent ingredient (CREATE would silently drop it).

Reading never goes to the network: remote manifests and OCSP are not fetched, so a manifest
that only points elsewhere is recorded as such and not followed.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

logger = logging.getLogger(__name__)

OFFLINE_READ_SETTINGS = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}


def detect_c2pa(data: bytes, content_type: str) -> dict[str, Any]:
    """A summary of the C2PA manifest store in `data`, or {} when there is none.

    `validation_state` is c2pa's verdict on the file as stored ("Valid", "Trusted" or
    "Invalid"); the signer is what its certificate names, not a trust decision.
    """
    import c2pa  # imported here: only storing outputs needs the native library

    try:
        context = c2pa.Context(settings=c2pa.Settings.from_dict(OFFLINE_READ_SETTINGS))
        reader = c2pa.Reader(content_type, io.BytesIO(data), context=context)
        store = json.loads(reader.json())
        state = str(reader.get_validation_state() or "")
    except c2pa.C2paError as error:
        if "ManifestNotFound" not in type(error).__name__ and "no JUMBF" not in str(error):
            logger.info("C2PA data present but unreadable: %s", error)
            return {"c2pa": True, "readable": False, "error": str(error)[:300]}
        return {}
    manifests = store.get("manifests") or {}
    active_label = store.get("active_manifest") or ""
    active = manifests.get(active_label) or {}
    signature = active.get("signature_info") or {}
    generators = [
        str(info.get("name", ""))
        for info in active.get("claim_generator_info") or []
        if isinstance(info, dict)
    ]
    return {
        "c2pa": True,
        "readable": True,
        "active_manifest": active_label,
        "manifests": len(manifests),
        "claim_generator": ", ".join(name for name in generators if name),
        "signer": str(signature.get("common_name") or ""),
        "issuer": str(signature.get("issuer") or ""),
        "validation_state": state,
    }
