"""The audit log of the brands the token's user administers."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets

from api import selectors
from api.serializers import AuditEventSerializer
from api.views.base import get_scoped, int_param


@extend_schema(
    parameters=[
        OpenApiParameter("brand", str, description="Brand slug"),
        OpenApiParameter("campaign", int),
        OpenApiParameter("asset", int),
    ]
)
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditEventSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_audit_events(user=self.request.user)

    def filter_queryset(self, queryset):  # type: ignore[no-untyped-def]
        if self.action != "list":
            return queryset
        brand = self.request.query_params.get("brand")
        if brand:
            queryset = queryset.filter(brand__slug=brand)
        campaign = int_param(self.request, "campaign")
        if campaign:
            queryset = queryset.filter(campaign_id=campaign)
        asset = int_param(self.request, "asset")
        if asset:
            queryset = queryset.filter(asset_id=asset)
        return queryset

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), pk=self.kwargs["pk"])
