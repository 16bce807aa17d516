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
