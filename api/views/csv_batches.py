"""CSV-driven batches through the API: the web page's service, its checks and its refusals.

Every row is checked before anything is queued; a CSV with any problem is refused with a 422
listing each problem by row and column. Like every generation-creating POST, the upload takes an
Idempotency-Key: the same key with the same file, template and label replays the first answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import CsvBatchRejected
from api.serializers import CsvBatchUploadSerializer, GenerationSerializer
from api.services.idempotency import idempotent_call, request_fingerprint
from api.views.generations import idempotency_key
from brandkit.choices import VersionStatus
from brandkit.exceptions import NotPermitted
from brandkit.models import PosterTemplate
from brandkit.selectors import brand_role
from projects.models import Campaign
from projects.services.csv_batches import (
    MAX_CSV_BYTES,
    CsvBatchPlan,
    csv_batch_check,
    csv_batch_queue,
)
from projects.services.generation_requests import REQUESTER_ROLES


def _problems(plan: CsvBatchPlan) -> list[dict[str, object]]:
    problems: list[dict[str, object]] = [
        {"row": 1, "column": None, "message": message} for message in plan.errors
    ]
    for row in plan.rows:
        problems += [
            {"row": row.line, "column": column, "message": message}
            for column, message in row.problems()
        ]
    return problems


def csv_batch_create(request: Request, campaign: Campaign) -> Response:
    """Check an uploaded CSV against a published template and queue it as one batch."""
    key = idempotency_key(request)
    if brand_role(user=request.user, brand=campaign.brand) not in REQUESTER_ROLES:
        raise NotPermitted(f"Only marketers and admins of {campaign.brand} can queue batches.")
    serializer = CsvBatchUploadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    values = serializer.validated_data
    template = (
        PosterTemplate.objects.filter(
            brand_id=campaign.brand_id, status=VersionStatus.PUBLISHED, pk=values["poster_template"]
        )
        .prefetch_related("text_slots")
        .first()
    )
    if template is None:
        raise ValidationError(
            {"poster_template": ["No published poster template of this brand has this id."]}
        )
    data = values["file"].read(MAX_CSV_BYTES + 1)

    def produce() -> tuple[int, Any]:
        plan = csv_batch_check(campaign=campaign, template=template, data=data, user=request.user)
        if not plan.ok:
            raise CsvBatchRejected(_problems(plan))
        generations = csv_batch_queue(plan=plan, user=request.user, label=values["label"])
        body = {
            "batch": generations[0].batch_id if generations else None,
            "generations": GenerationSerializer(generations, many=True).data,
        }
        return status.HTTP_201_CREATED, json.loads(JSONRenderer().render(body))

    if key is None:
        status_code, body = produce()
        return Response(body, status=status_code)
    fingerprint = request_fingerprint(
        method=request.method,
        path=request.path,
        body={
            "poster_template": template.pk,
            "label": values["label"],
            "file_sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    stored = idempotent_call(user=request.user, key=key, fingerprint=fingerprint, produce=produce)
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else {}
    return Response(stored.body, status=stored.status_code, headers=headers)
