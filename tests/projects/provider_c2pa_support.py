"""A C2PA-signed image for tests, made offline with a throwaway CA (the certificate shape
../shared/research/c2pa-signing.md found c2pa-python accepts), standing in for a provider that
signs its outputs."""

from __future__ import annotations

import io
from functools import cache

from tests.projects.c2pa_support import make_chain

SIGNER_NAME = "BytePlus_ModelArk test signer"
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


@cache
def throwaway_chain() -> tuple[bytes, bytes]:
    """(leaf + CA certificate PEM, leaf private key PEM), made once per test session."""
    chain, private, _ca = make_chain(signer_name=SIGNER_NAME)
    return chain, private


def sign_jpeg(data: bytes) -> bytes:
    """`data` (a JPEG) with a C2PA manifest as a provider would add: created, trained media."""
    import c2pa

    chain, private = throwaway_chain()
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(alg=b"es256", sign_cert=chain, private_key=private, ta_url=None)
    )
    builder = c2pa.Builder(
        {
            "claim_generator_info": [{"name": "BytePlus_ModelArk", "version": "1"}],
            "title": "output.jpg",
            "assertions": [
                {
                    "label": "c2pa.actions",
                    "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED}]},
                }
            ],
        }
    )
    signed = io.BytesIO()
    builder.sign(signer, "image/jpeg", io.BytesIO(data), signed)
    return signed.getvalue()
