"""Template helpers for campaign pages."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def pretty_json(value: Any) -> str:
    """Indented JSON for display (autoescaped by the template, so safe to show)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
