"""Brand library pages: what a member of a brand sees of it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from brandkit.models import Brand, PosterTemplate, ReferencePack
from brandkit.selectors import brand_get_for_detail, brand_list_for_user, brand_role


@login_required
def brand_list(request: HttpRequest) -> HttpResponse:
    brands = brand_list_for_user(user=request.user).prefetch_related("colors", "memberships")
    roles = dict(request.user.brand_memberships.values_list("brand_id", "role"))
    rows = [(brand, roles.get(brand.pk)) for brand in brands]
    return render(request, "brandkit/brand_list.html", {"rows": rows})


@login_required
def brand_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        brand = brand_get_for_detail(slug=slug, user=request.user)
    except Brand.DoesNotExist as exc:
        raise Http404("No such brand.") from exc
    return render(
        request,
        "brandkit/brand_detail.html",
        {"brand": brand, "role": brand_role(user=request.user, brand=brand)},
    )


@login_required
def reference_pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = get_object_or_404(
        ReferencePack.objects.select_related("brand").prefetch_related("images"),
        pk=pk,
        brand__in=brand_list_for_user(user=request.user),
    )
    versions = ReferencePack.objects.filter(brand=pack.brand, name=pack.name).order_by("-version")
    return render(
        request, "brandkit/reference_pack_detail.html", {"pack": pack, "versions": versions}
    )


@login_required
def poster_template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(
        PosterTemplate.objects.select_related("brand", "default_reference_pack").prefetch_related(
            "text_slots"
        ),
        pk=pk,
        brand__in=brand_list_for_user(user=request.user),
    )
    return render(request, "brandkit/poster_template_detail.html", {"template": template})
