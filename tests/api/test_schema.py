"""The OpenAPI schema validates, documents every route, and a property-based fuzzer
(schemathesis) driving the live test server finds no 5xx and no answer outside the schema."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from api.choices import TokenScope
from api.services.tokens import token_create
from tests.api.conftest import make_studio, render_version

# Each operation gets this many generated requests: enough to find 5xx on bad ids, huge numbers
# and odd strings, small enough to keep the run well under a minute on two cores.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_and_is_served(db: None) -> None:
    schema = _schema()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/generations/" in schema["paths"]
    post = schema["paths"]["/api/v1/generations/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert {"422", "429", "404"} <= set(post["responses"])
    client = Client()
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/schema/?format=json").json()["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from our static files (drf-spectacular-sidecar), never a CDN.
    assert b"https://" not in docs.content and b"/static/drf_spectacular_sidecar/" in docs.content
    # Its start-up script is a separate file, not an inline script.
    assert client.get("/api/v1/docs/?script=").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_fuzz_the_live_server(
    live_server: Any, media_root: Any, inline_queue: Any, settings: Any
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    studio = make_studio("fuzz")
    render_version(studio)
    _, secret = token_create(user=studio.admin, name="fuzz", scope=TokenScope.WRITE)
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_dict(_schema())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report them all at once
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
