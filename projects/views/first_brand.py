"""The nav's brand-wide entries ("Library", "Analytics") open the user's first brand."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from projects.selectors import member_brands


def redirect_to_first_brand(request: HttpRequest, view_name: str) -> HttpResponse:
    """`view_name` for the first of the user's brands (by name), or the brand list if they have
    none (it says how to get access)."""
    brands = member_brands(user=request.user)
    if not brands:
        return redirect("brandkit:brand_list")
    return redirect(view_name, slug=brands[0].slug)
