"""Generations and batches: request (idempotently), read status and progress, cancel, retry."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.serializers import (
    BatchSerializer,
    ControlResultSerializer,
    GenerationCreateSerializer,
    GenerationListResultSerializer,
    GenerationSerializer,
)
from api.services.idempotency import MAX_KEY_LENGTH, idempotent_call, request_fingerprint
from api.views.base import choice_param, get_scoped, int_param
from projects.choices import GenerationStatus
from projects.models import Generation
from projects.services.generation_control import (
    batch_cancel_remaining,
    batch_retry_failed,
    generation_cancel,
    generation_retry,
)
from projects.services.generation_requests import GenerationInput, generation_request

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string (a UUID). The same key and body within 24 hours returns the "
    "first answer and never queues twice; the same key with another body is refused (422).",
)


def _input_from(data: dict[str, Any]) -> GenerationInput:
    return GenerationInput(
        campaign_id=data["campaign"],
        mode=data["mode"],
        prompt=data["prompt"],
        poster_template_id=data.get("poster_template"),
        slot_values=dict(data["slot_values"]),
        reference_pack_id=data.get("reference_pack"),
        reference_image_ids=tuple(data["reference_images"]),
        source_version_id=data.get("source_version"),
        size=data["size"],
        group_size=data["group_size"],
        variants=data["variants"],
        provider=data["provider"],
        model=data["model"],
        watermark=data["watermark"],
        seed=data.get("seed"),
        batch_label=data["batch_label"],
    )


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {"Idempotency-Key": [f"Send 1 to {MAX_KEY_LENGTH} characters, or leave it out."]}
        )
    return key


@extend_schema(
    parameters=[
        OpenApiParameter("campaign", int),
        OpenApiParameter("batch", int),
        OpenApiParameter("status", str, enum=[value for value, _ in GenerationStatus.choices]),
    ]
)
class GenerationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GenerationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_generations(user=self.request.user)

    def filter_queryset(self, queryset):  # type: ignore[no-untyped-def]
        if self.action != "list":
            return queryset
        campaign = int_param(self.request, "campaign")
        if campaign:
            queryset = queryset.filter(campaign_id=campaign)
        batch = int_param(self.request, "batch")
        if batch:
            queryset = queryset.filter(batch_id=batch)
        state = choice_param(self.request, "status", GenerationStatus.choices)
        if state:
            queryset = queryset.filter(status=state)
        return queryset

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        request=GenerationCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: GenerationListResultSerializer},
    )
    def create(self, request: Request) -> Response:
        """Queue one generation, or a batch of `variants`, with the web form's rules."""
        key = idempotency_key(request)
        serializer = GenerationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The campaign must be the user's, else 404 as for any other brand's object.
        get_scoped(selectors.api_campaigns(user=request.user), pk=data["campaign"])

        def produce() -> tuple[int, Any]:
            generations = generation_request(generation_input=_input_from(data), user=request.user)
            body = {
                "batch": generations[0].batch_id if generations else None,
                "generations": GenerationSerializer(generations, many=True).data,
            }
            # Stored as JSON for replay, so render it exactly as the client will read it.
            return status.HTTP_201_CREATED, json.loads(JSONRenderer().render(body))

        if key is None:
            status_code, body = produce()
            return Response(body, status=status_code)
        fingerprint = request_fingerprint(
            method=request.method, path=request.path, body=serializer.initial_data
        )
        stored = idempotent_call(
            user=request.user, key=key, fingerprint=fingerprint, produce=produce
        )
        headers = {"Idempotent-Replayed": "true"} if stored.replayed else {}
        return Response(stored.body, status=stored.status_code, headers=headers)

    @extend_schema(request=None, responses=GenerationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        generation = generation_cancel(generation=self.get_object(), user=request.user)
        return Response(GenerationSerializer(self._fresh(generation)).data)

    @extend_schema(request=None, responses=GenerationSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: int) -> Response:
        generation = generation_retry(generation=self.get_object(), user=request.user)
        return Response(GenerationSerializer(self._fresh(generation)).data)

    def _fresh(self, generation: Generation) -> Generation:
        return self.get_queryset().get(pk=generation.pk)


class BatchViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A batch's progress (counts per status) and its controls."""

    serializer_class = BatchSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.api_batches(user=self.request.user).prefetch_related(
            Prefetch("generations", queryset=Generation.objects.only("id", "status", "batch_id"))
        )

    def get_object(self):  # type: ignore[no-untyped-def]
        return get_scoped(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=None, responses=ControlResultSerializer)
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel_remaining(self, request: Request, pk: int) -> Response:
        count = batch_cancel_remaining(batch=self.get_object(), user=request.user)
        return Response({"count": count})

    @extend_schema(request=None, responses=ControlResultSerializer)
    @action(detail=True, methods=["post"], url_path="retry")
    def retry_failed(self, request: Request, pk: int) -> Response:
        count = batch_retry_failed(batch=self.get_object(), user=request.user)
        return Response({"count": count})
