"""The Models page: every Seedream model of the table, what it can do and what it costs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from brandkit.selectors import model_mappings_for_user
from projects.model_table import model_rows


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/model_list.html",
        {
            "rows": model_rows(),
            "brand_mappings": model_mappings_for_user(user=request.user),
            "setting_mappings": sorted(settings.BRANDKIT_MODEL_MAP.items()),
        },
    )
