"""The model table: every model Brandkit can call, what it can do and what it costs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import ModelSerializer
from projects.model_table import ModelRow, model_rows


def _row(model_id: str) -> ModelRow:
    # An alias names the same model, as it does in the generation form.
    row = next((row for row in model_rows() if model_id in row.model.all_ids), None)
    if row is None:
        raise NotFound()
    return row


class ModelTableViewSet(viewsets.ViewSet):
    """The models of the table with capabilities and prices (settings' overrides applied).
    The table is the same for every user: it holds no brand's data."""

    lookup_value_regex = r"[A-Za-z0-9._-]+"

    @extend_schema(responses=ModelSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(ModelSerializer(model_rows(), many=True).data)

    @extend_schema(responses=ModelSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ModelSerializer(_row(pk)).data)
