"""ZIP exports of approved versions (one asset, or a campaign's approved set), streamed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from projects.models import Asset, AssetVersion, Campaign
from projects.selectors import (
    approved_versions_for_export,
    asset_get_for_user,
    campaign_get_for_user,
)
from projects.services.exports import EXPORT_FORMATS, export_stream


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "png")
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown export format; use png or jpeg.")
    return fmt


def _zip_response(
    request: HttpRequest,
    subject: Asset | Campaign,
    versions: list[AssetVersion],
    fmt: str,
    filename: str,
) -> HttpResponse:
    response = StreamingHttpResponse(
        export_stream(subject=subject, versions=versions, fmt=fmt, user=request.user),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def asset_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved version of one asset, in every export preset of its template."""
    asset = asset_get_for_user(pk=pk, user=request.user)
    fmt = _format(request)
    versions = list(approved_versions_for_export(asset=asset))
    if not versions:
        raise Http404("Only an approved version can be exported.")
    name = slugify(asset.title)[:60] or "asset"
    return _zip_response(request, asset, versions, fmt, f"{name}-v{versions[0].number}-{fmt}.zip")


@login_required
@require_safe
def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every approved asset of a campaign, in every export preset."""
    try:
        campaign = campaign_get_for_user(pk=pk, user=request.user)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign.") from exc
    fmt = _format(request)
    versions = list(approved_versions_for_export(campaign=campaign))
    if not versions:
        raise Http404("This campaign has no approved assets to export yet.")
    return _zip_response(
        request, campaign, versions, fmt, f"{slugify(campaign.name)[:60] or 'campaign'}-{fmt}.zip"
    )
