"""Which providers a brand can call right now, so the form never offers one that would only
fail at request time (a hosted provider with neither a settings key nor a brand key)."""

from __future__ import annotations

from django.conf import settings

from brandkit.models import Brand, BrandProviderCredential
from projects.providers import PROVIDER_NAMES, provider_key_setting


def providers_without_key(*, brand: Brand) -> dict[str, str]:
    """provider name -> why it cannot be used, for every hosted provider lacking a key."""
    brand_keys = set(
        BrandProviderCredential.objects.filter(brand=brand)
        .exclude(api_key_encrypted="")
        .values_list("provider", flat=True)
    )
    reasons = {}
    for name in PROVIDER_NAMES:
        setting = provider_key_setting(name)
        if setting is None or getattr(settings, setting, "") or name in brand_keys:
            continue
        reasons[name] = f"no API key: set {setting} or a brand key in curation"
    return reasons
