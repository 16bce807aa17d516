"""Brands, reference packs, poster templates and providers; admins write reference packs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.serializers import (
    BrandSerializer,
    PosterTemplateCreateSerializer,
    PosterTemplateSerializer,
    ProviderSerializer,
    ReferenceImageUploadSerializer,
    ReferencePackCreateSerializer,
    ReferencePackSerializer,
)
from api.views.base import choice_param, get_scoped
from brandkit.admin.forms import read_upload
from brandkit.choices import MembershipRole, VersionStatus
from brandkit.exceptions import NotPermitted
from brandkit.models import Brand, PosterTemplate, ReferencePack
from brandkit.selectors import brand_role
from brandkit.services.poster_templates import (
    poster_template_create,
    poster_template_publish,
    poster_template_set_slot,
)
from brandkit.services.reference_packs import (
    reference_pack_add_image,
    reference_pack_create,
    reference_pack_publish,
)
from projects.choices import GenerationMode
from projects.pricing import price_basis
from projects.providers import PROVIDER_NAMES
from projects.providers.catalog import UnknownModel, resolve_model
from projects.services.csv_batches import csv_template

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


def _require_admin(request: Request, brand: Brand) -> None:
    if brand_role(user=request.user, brand=brand) != MembershipRole.ADMIN:
        raise NotPermitted("Only the brand's admins can change its packs and templates.")


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
    """Reference packs (every version) of the user's brands, with their images. Brand admins
    make draft packs, upload images (the web app's validation) and publish."""

    serializer_class = ReferencePackSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_reference_packs(user=self.request.user)

    def _admin_pack(self) -> ReferencePack:
        pack = self.get_object()
        _require_admin(self.request, pack.brand)
        return pack

    def _fresh(self, pack: ReferencePack) -> Response:
        return Response(ReferencePackSerializer(self.get_queryset().get(pk=pack.pk)).data)

    @extend_schema(request=ReferencePackCreateSerializer, responses={201: ReferencePackSerializer})
    def create(self, request: Request) -> Response:
        serializer = ReferencePackCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        brand = get_scoped(selectors.api_brands(user=request.user), slug=data.pop("brand"))
        _require_admin(request, brand)
        pack = reference_pack_create(brand=brand, **data)
        response = self._fresh(pack)
        response.status_code = 201
        return response

    @extend_schema(request=ReferenceImageUploadSerializer, responses={201: ReferencePackSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def images(self, request: Request, pk: int) -> Response:
        """Add one image (multipart field `file`, optional `caption`) to a draft pack."""
        pack = self._admin_pack()
        serializer = ReferenceImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            data = read_upload(
                serializer.validated_data["file"], max_bytes=settings.MAX_UPLOAD_BYTES
            )
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        reference_pack_add_image(pack=pack, data=data, caption=serializer.validated_data["caption"])
        response = self._fresh(pack)
        response.status_code = 201
        return response

    @extend_schema(request=None, responses=ReferencePackSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: int) -> Response:
        pack = reference_pack_publish(pack=self._admin_pack(), user=request.user)
        return self._fresh(pack)


@extend_schema(parameters=BRAND_FILTERS)
class PosterTemplateViewSet(_VersionedViewSet):
    """Poster templates (every version) of the user's brands, with their text slots. Brand
    admins make draft templates with their slots, and publish them."""

    serializer_class = PosterTemplateSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_poster_templates(user=self.request.user)

    def _fresh(self, template: PosterTemplate) -> Response:
        return Response(PosterTemplateSerializer(self.get_queryset().get(pk=template.pk)).data)

    @extend_schema(
        request=PosterTemplateCreateSerializer, responses={201: PosterTemplateSerializer}
    )
    def create(self, request: Request) -> Response:
        serializer = PosterTemplateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slots = data.pop("slots")
        brand = get_scoped(selectors.api_brands(user=request.user), slug=data.pop("brand"))
        _require_admin(request, brand)
        with transaction.atomic():
            template = poster_template_create(brand=brand, **data)
            for slot in slots:
                poster_template_set_slot(template=template, **slot)
        response = self._fresh(template)
        response.status_code = 201
        return response

    @extend_schema(request=None, responses=PosterTemplateSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: int) -> Response:
        """Publish a draft after the web app's checks (prompt, slots and boxes fit)."""
        template = self.get_object()
        _require_admin(request, template.brand)
        return self._fresh(poster_template_publish(template=template, user=request.user))

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    @action(detail=True, methods=["get"], url_path="csv-template", url_name="csv-template")
    def csv_template(self, request: Request, pk: int) -> HttpResponse:
        """The CSV to fill in for a CSV batch: the slot keys and optional columns as header,
        and one example row (the web page's download)."""
        template = self.get_object()
        response = HttpResponse(csv_template(template=template), content_type="text/csv")
        name = slugify(f"{template.name}-v{template.version}") or "template"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


def _default_price(provider: str, model_id: str) -> str:
    """USD per image of the provider's default model at its default size (the model table, or
    the operator's flat price for that provider)."""
    try:
        size = resolve_model(model_id).default_size if provider != "local" else "2K"
    except UnknownModel:
        size = "2K"
    return price_basis(provider=provider, model_id=model_id, size=size).per_image


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
                "price_per_image": _default_price(name, models.get(name, "")),
                "modes": [value for value, _ in GenerationMode.choices],
            }
            for name in PROVIDER_NAMES
        ]
        return Response(ProviderSerializer(rows, many=True).data)
