"""Export ZIPs through the API: the web's export service, streamed, with its file names."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from api.views.base import choice_param
from projects.models import Asset, AssetVersion, Campaign
from projects.services.exports import EXPORT_FORMATS, export_stream

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "format", str, enum=list(EXPORT_FORMATS), description="Image format (default png)."
    )
]
EXPORT_RESPONSES = {
    (200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="Every export preset of each approved version, with manifest.json and "
        "manifest.csv. 404 `not_approved` when nothing is approved.",
    )
}


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=png|jpeg` picks the export's image format, as on the web; DRF would read it as a
    renderer name and answer 404. The export endpoints' errors are JSON, their only renderer."""

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


def export_response(
    request: Request, subject: Asset | Campaign, versions: list[AssetVersion], stem: str
) -> StreamingHttpResponse:
    fmt = choice_param(request, "format", [(name, name) for name in EXPORT_FORMATS]) or "png"
    response = StreamingHttpResponse(
        export_stream(subject=subject, versions=versions, fmt=fmt, user=request.user),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}-{fmt}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
