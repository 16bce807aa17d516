"""Assets, their versions (and image downloads), reviews: submit and decide."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, HttpResponseBase
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.errors import error_body
from api.serializers import (
    AssetSerializer,
    DecideSerializer,
    ReviewSerializer,
    SubmitSerializer,
)
from api.views.base import choice_param, get_scoped, int_param
from api.views.exports import (
    EXPORT_PARAMETERS,
    EXPORT_RESPONSES,
    ExportNegotiation,
    export_response,
)
from projects.choices import Decision, ReviewStatus
from projects.models import Asset, AssetVersion, VersionPoster
from projects.selectors import approved_versions_for_export
from projects.services.approvals import approval_decide, approval_submit


@extend_schema(
    parameters=[
        OpenApiParameter("campaign", int),
        OpenApiParameter("review_status", str, enum=[value for value, _ in ReviewStatus.choices]),
    ]
)
class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AssetSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_assets(user=self.request.user).prefetch_related(
            Prefetch("versions", queryset=AssetVersion.objects.order_by("number"))
        )

    def filter_queryset(self, queryset):  # type: ignore[no-untyped-def]
        if self.action != "list":
            return queryset
        campaign = int_param(self.request, "campaign")
        if campaign:
            queryset = queryset.filter(campaign_id=campaign)
        state = choice_param(self.request, "review_status", ReviewStatus.choices)
        if state:
            queryset = queryset.filter(review_status=state)
        return queryset

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), pk=self.kwargs["pk"])

    def _version(self, asset: Asset, number: int) -> AssetVersion:
        return get_scoped(asset.versions.all(), number=number)

    @extend_schema(request=SubmitSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        """Put one exact version in front of the first approval step."""
        asset = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = self._version(asset, serializer.validated_data["version"])
        approval_submit(asset=asset, version=version, user=request.user)
        return Response(AssetSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=DecideSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: int) -> Response:
        """Approve, request changes or reject the version in review (the web app's rules)."""
        asset = self.get_object()
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = self._version(asset, data["version"])
        review = approval_decide(
            asset=asset,
            version=version,
            decision=Decision(data["decision"]),
            comment=data["comment"],
            user=request.user,
        )
        return Response(ReviewSerializer(review).data)

    @extend_schema(responses=ReviewSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def reviews(self, request: Request, pk: int) -> Response:
        asset = self.get_object()
        reviews = (
            selectors.api_reviews(user=request.user).filter(asset=asset).order_by("decided_at")
        )
        return Response(ReviewSerializer(reviews, many=True).data)

    @extend_schema(
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY)},
        parameters=[OpenApiParameter("number", int, location=OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)/download",
        url_name="version-download",
    )
    def download(self, request: Request, pk: int, number: str) -> FileResponse:
        """The version's original image, byte for byte as stored."""
        version = self._version(self.get_object(), int(number))
        handle = version.image.open("rb")
        extension = version.image.name.rsplit(".", 1)[-1] if "." in version.image.name else "bin"
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"asset-{version.asset_id}-v{version.number}.{extension}",
            content_type=version.content_type,
        )

    @extend_schema(
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY)},
        parameters=[OpenApiParameter("number", int, location=OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)/poster",
        url_name="version-poster",
    )
    def poster(self, request: Request, pk: int, number: str) -> HttpResponseBase:
        """The version's poster (its image fitted to the template with text and logo drawn in).
        404 `no_poster` when the version has none: not made from a template, not drawn yet, or
        drawing failed (the message says which)."""
        version = self._version(self.get_object(), int(number))
        poster = VersionPoster.objects.filter(version=version).first()
        if poster is None or not poster.image:
            reason = (
                poster.error
                if poster is not None and poster.error
                else "This version has no poster (yet)."
            )
            return Response(error_body("no_poster", reason), status=404)
        name = poster.image.name
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "png"
        return FileResponse(
            poster.image.open("rb"),
            as_attachment=True,
            filename=f"asset-{version.asset_id}-v{version.number}-poster.{extension}",
            content_type="image/jpeg" if extension in ("jpg", "jpeg") else f"image/{extension}",
        )

    @extend_schema(parameters=EXPORT_PARAMETERS, responses=EXPORT_RESPONSES)
    @action(detail=True, methods=["get"], content_negotiation_class=ExportNegotiation)
    def export(self, request: Request, pk: int) -> HttpResponseBase:
        """The approved version in every export preset of its template, as the web's ZIP."""
        asset = self.get_object()
        versions = list(approved_versions_for_export(asset=asset))
        if not versions:
            return Response(
                error_body("not_approved", "Only an approved version can be exported."), status=404
            )
        name = slugify(asset.title)[:60] or "asset"
        return export_response(request, asset, versions, f"{name}-v{versions[0].number}")
