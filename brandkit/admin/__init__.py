"""The brand library in the Django admin, scoped per brand (see scoping.py)."""

from brandkit.admin import brands, poster_templates, reference_packs

__all__ = ["brands", "poster_templates", "reference_packs"]
