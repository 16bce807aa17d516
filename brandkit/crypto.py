"""Encryption of secrets at rest (provider API keys a brand stores), with Fernet.

Keys come from `settings.FIELD_ENCRYPTION_KEY`: a comma-separated list of Fernet keys (make one with
`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`). The
first key encrypts; every key decrypts (MultiFernet). To rotate, put a new key first and keep the
old one second until `rotate_secret` has re-encrypted what the old one wrote, then drop it.

When FIELD_ENCRYPTION_KEY is empty, one key is derived from SECRET_KEY with HKDF-SHA256 (salt
`HKDF_SALT`, info `HKDF_INFO`, both fixed here and never to change, or stored tokens stop
decrypting). That is acceptable for the embedded mode: the database and SECRET_KEY live on the same
laptop anyway, and the derivation still keeps keys out of plain text in the database file and its
backups, without one more variable to set. Keys derived from SECRET_KEY_FALLBACKS decrypt too, so a
SECRET_KEY rotation done the Django way keeps stored keys readable. Production should set
FIELD_ENCRYPTION_KEY: it can then be kept in a secret manager apart from SECRET_KEY and rotated on
its own, and a leaked SECRET_KEY alone no longer opens the stored provider keys.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HKDF_SALT = b"brandkit provider credentials"
HKDF_INFO = b"brandkit provider credentials: Fernet key v1"


class SecretUndecryptable(ImproperlyConfigured):
    """A stored secret that no configured key decrypts (its key was rotated away, or it is corrupt).

    The message never contains the token or any key.
    """


def derive_key(secret_key: str) -> bytes:
    """The Fernet key derived from a Django SECRET_KEY (see the module docstring)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


@functools.lru_cache(maxsize=8)
def _multi_fernet(
    field_keys: str, secret_key: str, secret_key_fallbacks: tuple[str, ...]
) -> MultiFernet:
    keys = [key.strip() for key in field_keys.split(",") if key.strip()]
    if not keys:
        return MultiFernet(
            [Fernet(derive_key(secret)) for secret in (secret_key, *secret_key_fallbacks)]
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            # Name the position, never the value.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY entry {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes); generate one with Fernet.generate_key()"
            ) from None
    return MultiFernet(fernets)


def _configured() -> MultiFernet:
    # Keyed on the settings, so tests that change them get fresh keys and nothing else rebuilds.
    return _multi_fernet(
        settings.FIELD_ENCRYPTION_KEY,
        settings.SECRET_KEY,
        tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())),
    )


def encrypt_secret(text: str) -> str:
    """A Fernet token (ASCII) for `text`, made with the first configured key."""
    return _configured().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_secret(token: str) -> str:
    """The text inside `token`; raises SecretUndecryptable when no configured key opens it."""
    try:
        return _configured().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SecretUndecryptable(
            "A stored provider key could not be decrypted with any configured key: it was "
            "encrypted with a key that is no longer in FIELD_ENCRYPTION_KEY (or, when that is "
            "empty, derived from another SECRET_KEY). Put the old key back as a second entry of "
            "FIELD_ENCRYPTION_KEY, or enter the provider key again."
        ) from None


def rotate_secret(token: str) -> str:
    """`token` re-encrypted with the first configured key (for dropping an old key later)."""
    try:
        return _configured().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise SecretUndecryptable(
            "A stored provider key could not be re-encrypted: no configured key decrypts it."
        ) from None
