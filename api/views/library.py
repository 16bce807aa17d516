"""Brands, reference packs, poster templates and providers: read-only in v1."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.serializers import (
    BrandSerializer,
    PosterTemplateSerializer,
    ProviderSerializer,
    ReferencePackSerializer,
)
from api.views.base import choice_param, get_scoped
from brandkit.choices import VersionStatus
from projects.choices import GenerationMode
from projects.providers import PROVIDER_NAMES

BRAND_FILTERS = [
    OpenApiParameter("brand", str, description="Brand slug"),
    OpenApiParameter("status", str, enum=[value for value, _ in VersionStatus.choices]),
]


class BrandViewSet(viewsets.ReadOnlyModelViewSet):
    """Brands the token's user is a member of."""

    serializer_class = BrandSerializer
    lookup_field = "slug"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_brands(user=self.request.user)

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), slug=self.kwargs["slug"])


class _VersionedViewSet(viewsets.ReadOnlyModelViewSet):
    def filter_queryset(self, queryset):  # type: ignore[no-untyped-def]
        brand = self.request.query_params.get("brand")
        if brand:
            queryset = queryset.filter(brand__slug=brand)
        status = choice_param(self.request, "status", VersionStatus.choices)
        if status:
            queryset = queryset.filter(status=status)
        return queryset

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), pk=self.kwargs["pk"])


@extend_schema(parameters=BRAND_FILTERS)
class ReferencePackViewSet(_VersionedViewSet):
    """Reference packs (every version) of the user's brands, with their images."""

    serializer_class = ReferencePackSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_reference_packs(user=self.request.user)


@extend_schema(parameters=BRAND_FILTERS)
class PosterTemplateViewSet(_VersionedViewSet):
    """Poster templates (every version) of the user's brands, with their text slots."""

    serializer_class = PosterTemplateSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_poster_templates(user=self.request.user)


class ProviderViewSet(viewsets.ViewSet):
    """The image providers this installation can call, and what they can do."""

    @extend_schema(responses=ProviderSerializer(many=True))
    def list(self, request: Request) -> Response:
        keys = {
            "ark": settings.ARK_API_KEY,
            "fal": settings.FAL_KEY,
            "openai": settings.OPENAI_COMPAT_API_KEY,
        }
        models = {
            "ark": settings.ARK_MODEL,
            "fal": settings.FAL_MODEL,
            "openai": settings.OPENAI_COMPAT_MODEL,
            "local": "local-preview",
        }
        rows = [
            {
                "name": name,
                "model": models.get(name, ""),
                "configured": name == "local" or bool(keys.get(name)),
                "price_per_image": str(
                    Decimal(str(settings.PROVIDER_PRICE_PER_IMAGE.get(name, "0")))
                ),
                "modes": [value for value, _ in GenerationMode.choices],
            }
            for name in PROVIDER_NAMES
        ]
        return Response(ProviderSerializer(rows, many=True).data)
