"""Encryption of secrets at rest: round trip, key rotation, unknown keys, the derived key."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from brandkit.crypto import (
    SecretUndecryptable,
    decrypt_secret,
    derive_key,
    encrypt_secret,
    rotate_secret,
)

SECRET = "sk-live-0123456789abcdefWXYZ"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_encrypt_secret_round_trips_and_hides_the_text(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    token = encrypt_secret(SECRET)
    assert SECRET not in token
    assert token.isascii()
    assert decrypt_secret(token) == SECRET
    assert encrypt_secret(SECRET) != token  # a fresh IV every time


def test_token_of_an_old_key_decrypts_when_the_old_key_is_second(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = OLD_KEY
    old_token = encrypt_secret(SECRET)
    settings.FIELD_ENCRYPTION_KEY = f"{NEW_KEY}, {OLD_KEY}"
    assert decrypt_secret(old_token) == SECRET
    # The first key encrypts, and rotating moves an old token onto it.
    rotated = rotate_secret(old_token)
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    assert decrypt_secret(encrypt_secret(SECRET)) == SECRET
    assert decrypt_secret(rotated) == SECRET
    with pytest.raises(SecretUndecryptable):
        decrypt_secret(old_token)


def test_token_of_an_unknown_key_raises_a_clear_error_without_the_token(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = OLD_KEY
    token = encrypt_secret(SECRET)
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    with pytest.raises(SecretUndecryptable) as caught:
        decrypt_secret(token)
    message = str(caught.value)
    assert "FIELD_ENCRYPTION_KEY" in message
    for leaked in (token, SECRET, OLD_KEY, NEW_KEY):
        assert leaked not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert isinstance(caught.value, ImproperlyConfigured)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "gAAAA\u00e9"])
def test_malformed_token_raises_the_same_error(settings: Any, garbage: str) -> None:
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    with pytest.raises(SecretUndecryptable):
        decrypt_secret(garbage)


def test_derived_key_mode_works_without_field_encryption_key(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "a-test-secret-key-that-is-long-enough-for-hkdf-0123456789"
    token = encrypt_secret(SECRET)
    assert decrypt_secret(token) == SECRET
    # The key is the documented HKDF derivation of SECRET_KEY, so it is stable across processes.
    assert Fernet(derive_key(settings.SECRET_KEY)).decrypt(token.encode()).decode() == SECRET
    # Rotating SECRET_KEY the Django way (old one in SECRET_KEY_FALLBACKS) keeps it readable.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-test-secret-key-that-is-long-enough-9876543210"
    assert decrypt_secret(token) == SECRET
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SecretUndecryptable):
        decrypt_secret(token)


def test_a_malformed_field_encryption_key_is_named_by_position_not_value(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = f"{NEW_KEY},not-a-fernet-key"
    with pytest.raises(ImproperlyConfigured, match="entry 2") as caught:
        encrypt_secret(SECRET)
    assert "not-a-fernet-key" not in str(caught.value)
