"""Writes and reads of a brand's provider overrides: base URL, API key (encrypted), model.

The environment configures every hosted provider (ARK_BASE_URL, ARK_API_KEY, ...); a brand may
override any of them. `provider_overrides` turns a brand's row into the keyword arguments of
`projects.providers.get_provider`, where None means "use the setting". The key is encrypted before
it reaches the database (`brandkit.crypto`), and it is never logged nor put in an exception message.
"""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from brandkit.addresses import is_internal_host
from brandkit.crypto import decrypt_secret, encrypt_secret
from brandkit.exceptions import InvalidProviderCredential
from brandkit.models import Brand, BrandProviderCredential
from brandkit.models.provider_credentials import HOSTED_PROVIDER_CHOICES

logger = logging.getLogger(__name__)

HOSTED_PROVIDERS = tuple(value for value, _ in HOSTED_PROVIDER_CHOICES)
# A key shorter than this gets no hint: four characters would be too much of it.
KEY_HINT_MIN_LENGTH = 12


@dataclass(frozen=True, repr=False)
class CleanedCredential:
    """Validated input of `provider_credential_set`; `api_key` "" means keep the stored key."""

    provider: str
    api_key: str
    base_url: str
    model: str

    def __repr__(self) -> str:
        # Spelled out so that no default repr can ever show the key.
        return f"CleanedCredential(provider={self.provider!r}, base_url={self.base_url!r})"


def _allowed_hosts() -> frozenset[str]:
    hosts = [
        *getattr(settings, "PROVIDER_API_ALLOWED_HOSTS", ()),
        *getattr(settings, "PROVIDER_DOWNLOAD_ALLOWED_HOSTS", ()),
    ]
    return frozenset(host.strip().strip("[]").lower() for host in hosts if host.strip())


def base_url_clean(base_url: str) -> str:
    """The base URL to store ("" for the provider's configured one); raises on anything else.

    Only https:// is accepted, on a public host: the API key travels in a header on every request
    to this URL, so plain http would expose it on the wire. The one exception is the hosts in
    settings.PROVIDER_DOWNLOAD_ALLOWED_HOSTS, empty in every real deployment: tests list their
    loopback fake provider there, which speaks plain http on 127.0.0.1. The same list already
    lets provider downloads reach those hosts, so it adds no new way in. Messages never repeat the
    URL, which could carry a password.
    """
    url = base_url.strip()
    if not url:
        return ""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise InvalidProviderCredential(
            "Enter a valid base URL, e.g. https://ark.ap-southeast.bytepluses.com/api/v3.",
            field="base_url",
        ) from None
    scheme = parts.scheme.lower()
    if host and host in _allowed_hosts():
        if scheme not in ("http", "https"):
            raise InvalidProviderCredential(
                "The base URL must start with https://.", field="base_url"
            )
    elif scheme != "https" or not host:
        raise InvalidProviderCredential(
            "The base URL must start with https:// (the API key is sent to it on every "
            "request, so plain http:// and other schemes are refused).",
            field="base_url",
        )
    elif is_internal_host(host):
        raise InvalidProviderCredential(
            "The base URL must name a public host, not a loopback or private address.",
            field="base_url",
        )
    if parts.username is not None or parts.password is not None:
        raise InvalidProviderCredential(
            "Put no user name or password in the base URL; enter the key in the API key field.",
            field="base_url",
        )
    if parts.query or parts.fragment:
        raise InvalidProviderCredential(
            "The base URL takes no ?query or #fragment.", field="base_url"
        )
    return url.rstrip("/")


@sensitive_variables("api_key", "key")
def provider_credential_clean(
    *,
    stored: BrandProviderCredential | None,
    provider: str,
    api_key: str | None,
    base_url: str = "",
    model: str = "",
) -> CleanedCredential:
    """Check an override against the brand's stored row for `provider` (None: no row yet).

    Pure, so the admin form shows the same errors next to its fields. A brand base URL needs a
    brand key, and a stored key is not moved to a new base URL unless it is entered again: the
    environment's key, or a key entered for one host, is never sent to a host a brand chose.
    """
    if provider not in HOSTED_PROVIDERS:
        raise InvalidProviderCredential(
            f"Choose one of the hosted providers: {', '.join(HOSTED_PROVIDERS)}.",
            field="provider",
        )
    key = (api_key or "").strip()
    if key and not (key.isascii() and key.isprintable() and not any(c.isspace() for c in key)):
        raise InvalidProviderCredential(
            "The API key must be one line of plain characters without spaces.", field="api_key"
        )
    url = base_url_clean(base_url)
    stored_key = bool(stored and stored.api_key_encrypted)
    if url and not key and not stored_key:
        raise InvalidProviderCredential(
            "A brand base URL needs the brand's own API key: the environment's key is never sent "
            "to a host a brand chose.",
            field="api_key",
        )
    if url and not key and stored is not None and url != stored.base_url:
        raise InvalidProviderCredential(
            "Enter the API key again to use it with a new base URL.", field="api_key"
        )
    return CleanedCredential(provider=provider, api_key=key, base_url=url, model=model.strip())


def key_hint(api_key: str) -> str:
    """The last four characters of a key long enough for that to give little away, else ""."""
    return api_key[-4:] if len(api_key) >= KEY_HINT_MIN_LENGTH else ""


@sensitive_variables("api_key", "cleaned")
def provider_credential_set(
    *,
    brand: Brand,
    provider: str,
    api_key: str | None,
    base_url: str = "",
    model: str = "",
) -> BrandProviderCredential:
    """Create or change the brand's override for `provider`.

    `api_key` None or "" keeps the stored key (a new row then has none, and uses the environment's
    key unless a base URL is given, which needs a key). Blank `base_url`/`model` mean the
    provider's configured ones. Raises InvalidProviderCredential with a message fit to show.
    """
    with transaction.atomic():
        stored = (
            BrandProviderCredential.objects.select_for_update()
            .filter(brand=brand, provider=provider)
            .first()
        )
        cleaned = provider_credential_clean(
            stored=stored, provider=provider, api_key=api_key, base_url=base_url, model=model
        )
        credential = stored or BrandProviderCredential(brand=brand, provider=cleaned.provider)
        if cleaned.api_key:
            credential.api_key_encrypted = encrypt_secret(cleaned.api_key)
            credential.key_hint = key_hint(cleaned.api_key)
        credential.base_url = cleaned.base_url
        credential.model = cleaned.model
        credential.full_clean()
        credential.save()
    logger.info(
        "provider override saved: brand=%s provider=%s key=%s",
        brand.pk,
        cleaned.provider,
        "replaced" if cleaned.api_key else "kept",
    )
    return credential


def provider_credential_delete(*, credential: BrandProviderCredential) -> None:
    """Remove a brand's override; the provider falls back to the environment's settings."""
    brand_id, provider = credential.brand_id, credential.provider
    credential.delete()
    logger.info("provider override removed: brand=%s provider=%s", brand_id, provider)


@sensitive_variables("overrides")
def provider_overrides(*, brand: Brand, provider: str) -> dict[str, str | None]:
    """`{"base_url", "api_key", "model"}` of the brand's override, None where not overridden.

    Ready for `get_provider(provider, **provider_overrides(brand=..., provider=...))`. Raises
    `brandkit.crypto.SecretUndecryptable` when the stored key's encryption key is gone.
    """
    overrides: dict[str, str | None] = {"base_url": None, "api_key": None, "model": None}
    if provider not in HOSTED_PROVIDERS:
        return overrides
    credential = BrandProviderCredential.objects.filter(brand=brand, provider=provider).first()
    if credential is None:
        return overrides
    overrides["base_url"] = credential.base_url or None
    overrides["model"] = credential.model or None
    if credential.api_key_encrypted:
        overrides["api_key"] = decrypt_secret(credential.api_key_encrypted)
    return overrides
