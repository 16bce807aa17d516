"""Campaign pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from brandkit.selectors import brand_list_for_user
from projects.models import Campaign


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("brand", "owner"),
        pk=pk,
        brand__in=brand_list_for_user(user=request.user),
    )
    return render(request, "projects/campaign_detail.html", {"campaign": campaign})
