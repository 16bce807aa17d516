"""Campaigns: list, read, create, update, archive (through projects.services.campaigns)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from django.utils.text import slugify
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.errors import error_body
from api.serializers import (
    CampaignSerializer,
    CampaignWriteSerializer,
    CsvBatchErrorSerializer,
    CsvBatchUploadSerializer,
    GenerationListResultSerializer,
)
from api.views.base import choice_param, get_scoped
from api.views.csv_batches import csv_batch_create
from api.views.exports import (
    EXPORT_PARAMETERS,
    EXPORT_RESPONSES,
    ExportNegotiation,
    export_response,
)
from api.views.generations import IDEMPOTENCY_HEADER
from projects.choices import CampaignStatus
from projects.selectors import approved_versions_for_export
from projects.services.campaigns import campaign_archive, campaign_create, campaign_update


@extend_schema(
    parameters=[
        OpenApiParameter("brand", str, description="Brand slug"),
        OpenApiParameter("status", str, enum=[value for value, _ in CampaignStatus.choices]),
    ]
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_campaigns(user=self.request.user)

    def filter_queryset(self, queryset):  # type: ignore[no-untyped-def]
        if self.action != "list":
            return queryset
        brand = self.request.query_params.get("brand")
        if brand:
            queryset = queryset.filter(brand__slug=brand)
        state = choice_param(self.request, "status", CampaignStatus.choices)
        if state:
            queryset = queryset.filter(status=state)
        return queryset

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), pk=self.kwargs["pk"])

    def _fields(self, request: Request) -> dict[str, Any]:
        serializer = CampaignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer})
    def create(self, request: Request) -> Response:
        fields = self._fields(request)
        slug = fields.pop("brand", None)
        if not slug:
            raise ValidationError({"brand": ["Name the brand (its slug)."]})
        if not fields.get("name"):
            raise ValidationError({"name": ["Give the campaign a name."]})
        brand = get_scoped(selectors.api_brands(user=request.user), slug=slug)
        campaign = campaign_create(brand=brand, owner=request.user, **fields)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer)
    def partial_update(self, request: Request, pk: int) -> Response:
        campaign = self.get_object()
        fields = self._fields(request)
        if "brand" in fields:
            raise ValidationError({"brand": ["A campaign cannot move to another brand."]})
        campaign = campaign_update(campaign=campaign, user=request.user, **fields)
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: int) -> Response:
        campaign = campaign_archive(campaign=self.get_object(), user=request.user)
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(
        request={"multipart/form-data": CsvBatchUploadSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: GenerationListResultSerializer,
            422: OpenApiResponse(
                CsvBatchErrorSerializer, description="Problems by row and column; none queued."
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="csv-batches",
        url_name="csv-batches",
        parser_classes=[MultiPartParser],
    )
    def csv_batches(self, request: Request, pk: int) -> Response:
        """Queue one poster per CSV row (the web page's CSV batch): every row is checked first."""
        return csv_batch_create(request, self.get_object())

    @extend_schema(parameters=EXPORT_PARAMETERS, responses=EXPORT_RESPONSES)
    @action(detail=True, methods=["get"], content_negotiation_class=ExportNegotiation)
    def export(self, request: Request, pk: int) -> HttpResponseBase:
        """Every approved asset of the campaign in every export preset, as the web's ZIP."""
        campaign = self.get_object()
        versions = list(approved_versions_for_export(campaign=campaign))
        if not versions:
            return Response(
                error_body("not_approved", "This campaign has no approved assets to export yet."),
                status=404,
            )
        return export_response(
            request, campaign, versions, slugify(campaign.name)[:60] or "campaign"
        )
