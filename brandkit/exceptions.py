"""Domain errors of the brand library. Pages turn them into form errors or messages."""

from __future__ import annotations


class BrandkitError(Exception):
    """Base class; `message` is fit to show a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImmutableVersion(BrandkitError):
    """A published or archived pack/template version was asked to change."""


class InvalidTransition(BrandkitError):
    """A status change that the transition table does not allow."""


class PackFull(BrandkitError):
    """A reference pack already holds the most images one Seedream request can take."""


class InvalidTemplate(BrandkitError):
    """A poster template whose prompt, slots or boxes do not fit together."""


class NotPermitted(BrandkitError):
    """The user's role on the brand does not allow this."""


class InvalidProviderCredential(BrandkitError):
    """A brand's provider override that may not be stored (its message never holds the key).

    `field` names the offending input (`base_url`, `api_key`, `provider`), for forms.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
