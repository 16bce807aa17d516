"""A brand's own connection to a hosted image provider: base URL, API key (encrypted), model."""

from __future__ import annotations

from django.db import models

from brandkit.choices import ProviderName
from brandkit.models.base import TimeStampedModel

# The local renderer has no URL, key or model to override.
HOSTED_PROVIDER_CHOICES = [
    (value, label) for value, label in ProviderName.choices if value != ProviderName.LOCAL
]


class BrandProviderCredential(TimeStampedModel):
    """What a brand uses instead of the environment's settings for one hosted provider.

    Blank fields fall back to the settings (ARK_BASE_URL, ARK_API_KEY, ARK_MODEL, ...). The API key
    is stored only as a Fernet token (`brandkit.crypto`) and shown only as its last characters
    (`key_hint`). A brand base URL always comes with a brand key (a database constraint), so the
    environment's key is never sent to a host a brand chose. Written only through
    `brandkit.services.provider_credentials`.
    """

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.CASCADE, related_name="provider_credentials"
    )
    provider = models.CharField(max_length=16, choices=HOSTED_PROVIDER_CHOICES)
    base_url = models.URLField(
        max_length=500, blank=True, help_text="Blank: the provider's configured base URL."
    )
    api_key_encrypted = models.TextField(blank=True, editable=False)
    key_hint = models.CharField(
        max_length=4, blank=True, editable=False, help_text="Last characters of the key."
    )
    model = models.CharField(
        max_length=120, blank=True, help_text="Blank: the provider's configured default model."
    )

    class Meta:
        ordering = ["brand", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "provider"], name="%(app_label)s_%(class)s_one_per_provider"
            ),
            models.CheckConstraint(
                condition=models.Q(base_url="") | ~models.Q(api_key_encrypted=""),
                name="%(app_label)s_%(class)s_base_url_needs_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} — {self.get_provider_display()}"

    @property
    def has_key(self) -> bool:
        return bool(self.api_key_encrypted)

    @property
    def masked_key(self) -> str:
        """What pages show of the key: "…abcd", "stored" (a key too short to hint at), or ""."""
        if self.key_hint:
            return f"…{self.key_hint}"
        return "stored" if self.has_key else ""
