"""The provider registry: pick a Seedream provider by name.

`get_provider("ark")` builds the adapter from settings (base URL, key, model), and keyword
overrides (`base_url`, `api_key`, `model`, `client`, `read_timeout`, ...) let a brand or a test
point it elsewhere; None values are ignored so a brand without an override falls back to settings.
Adapters are cheap objects built on each call; the expensive part, the `httpx.Client`, is shared
per process and per configuration (`http.shared_client`), created on first use and never at
import, so a forked worker builds its own. Modules are imported lazily, so importing this package
costs nothing and `local` (written separately) is only needed when asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from projects.providers.base import ImageProvider

PROVIDER_NAMES = ("ark", "fal", "openai", "local")

# name -> (module, class, base URL setting, key setting, model setting)
_HOSTED: dict[str, tuple[str, str, str, str, str]] = {
    "ark": ("projects.providers.ark", "ArkProvider", "ARK_BASE_URL", "ARK_API_KEY", "ARK_MODEL"),
    "fal": ("projects.providers.fal", "FalProvider", "FAL_QUEUE_URL", "FAL_KEY", "FAL_MODEL"),
    "openai": (
        "projects.providers.openai",
        "OpenAICompatibleProvider",
        "OPENAI_COMPAT_BASE_URL",
        "OPENAI_COMPAT_API_KEY",
        "OPENAI_COMPAT_MODEL",
    ),
}


def get_provider(name: str | None = None, **overrides: Any) -> ImageProvider:
    """The provider called `name` (None: settings.DEFAULT_IMAGE_PROVIDER).

    Raises ValueError for an unknown name, and ImproperlyConfigured naming the environment
    variable when a hosted provider has no API key (from settings or an `api_key` override).
    """
    name = name or settings.DEFAULT_IMAGE_PROVIDER
    if name not in PROVIDER_NAMES:
        raise ValueError(
            f"unknown image provider {name!r}; valid providers are: {', '.join(PROVIDER_NAMES)}"
        )
    if name == "local":
        # The local renderer has no network settings; overrides do not apply to it.
        from projects.providers.local import LocalProvider

        return LocalProvider()
    module_name, class_name, base_setting, key_setting, model_setting = _HOSTED[name]
    options: dict[str, Any] = {
        "base_url": getattr(settings, base_setting),
        "api_key": getattr(settings, key_setting),
        "model": getattr(settings, model_setting),
    }
    options.update({key: value for key, value in overrides.items() if value is not None})
    if not options["api_key"]:
        raise ImproperlyConfigured(
            f"{key_setting} is not set, so the {name} image provider cannot be used; set it in "
            "the environment or choose another provider"
        )
    provider_class = getattr(importlib.import_module(module_name), class_name)
    provider: ImageProvider = provider_class(**options)
    return provider


def provider_key_setting(name: str) -> str | None:
    """The settings name of a hosted provider's API key (None for the local renderer)."""
    hosted = _HOSTED.get(name)
    return hosted[3] if hosted else None
