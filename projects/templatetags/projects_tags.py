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


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, *pairs: Any) -> str:
    """The current query string with name/value pairs applied: `{% query_with "page" 3 %}` gives
    "?q=hero&page=3", so pager and filter links keep every other filter. A value of None or ""
    removes the parameter."""
    params = context["request"].GET.copy()
    for name, value in zip(pairs[::2], pairs[1::2], strict=True):
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
