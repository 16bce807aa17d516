"""Brand pages: what a member of a brand sees of it; admins also start reference packs here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from brandkit.choices import MembershipRole
from brandkit.forms import PosterTemplateCreateForm, ReferencePackCreateForm
from brandkit.models import Brand, PosterTemplate
from brandkit.selectors import (
    brand_get_for_detail,
    brand_list_for_user,
    brand_role,
    poster_template_get_for_user,
)


@login_required
def brand_list(request: HttpRequest) -> HttpResponse:
    brands = brand_list_for_user(user=request.user).prefetch_related("colors", "memberships")
    roles = dict(request.user.brand_memberships.values_list("brand_id", "role"))
    rows = [(brand, roles.get(brand.pk)) for brand in brands]
    return render(request, "brandkit/brand_list.html", {"rows": rows})


def brand_get_or_404(request: HttpRequest, slug: str) -> Brand:
    try:
        return brand_get_for_detail(slug=slug, user=request.user)
    except Brand.DoesNotExist as exc:
        raise Http404("No such brand.") from exc


def render_brand_detail(
    request: HttpRequest,
    brand: Brand,
    *,
    pack_form: ReferencePackCreateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The brand page; `pack_form` is a bound "new reference pack" form to show with its errors."""
    role = brand_role(user=request.user, brand=brand)
    is_admin = role == MembershipRole.ADMIN
    context = {
        "brand": brand,
        "role": role,
        "is_admin": is_admin,
        "pack_form": (pack_form or ReferencePackCreateForm()) if is_admin else None,
        "template_form": PosterTemplateCreateForm() if is_admin else None,
    }
    return render(request, "brandkit/brand_detail.html", context, status=status)


@login_required
def brand_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render_brand_detail(request, brand_get_or_404(request, slug))


@login_required
def poster_template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        template = poster_template_get_for_user(pk=pk, user=request.user)
    except PosterTemplate.DoesNotExist as exc:
        raise Http404("No such template.") from exc
    can_design = brand_role(user=request.user, brand=template.brand) == MembershipRole.ADMIN
    return render(
        request,
        "brandkit/poster_template_detail.html",
        {"template": template, "can_design": can_design},
    )
