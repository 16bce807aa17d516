"""examples/api_flow.py runs end to end against the live test server, with two tokens."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from api.choices import TokenScope
from api.services.tokens import token_create
from examples.api_flow import run
from projects.models import AssetVersion
from tests.api.conftest import make_studio


@pytest.mark.django_db(transaction=True)
def test_example_flow(live_server: Any, media_root: Any, inline_queue: Any, tmp_path: Path) -> None:
    studio = make_studio("flow")
    _, marketer_token = token_create(user=studio.marketer, name="m", scope=TokenScope.WRITE)
    _, reviewer_token = token_create(user=studio.reviewer, name="r", scope=TokenScope.WRITE)
    lines: list[str] = []
    result = run(
        base_url=live_server.url,
        brand="flow",
        token=marketer_token,
        reviewer_token=reviewer_token,
        out=tmp_path,
        timeout=60,
        log=lines.append,
    )
    version = AssetVersion.objects.get(
        asset__campaign__brand=studio.brand, asset__approved_version__isnull=False
    )
    assert result.image.read_bytes() == version.image.open("rb").read()
    assert version.generation.poster_template_id == studio.template.pk
    assert version.generation.batch is not None
    with zipfile.ZipFile(result.export) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert {row["version_id"] for row in manifest["files"]} == {version.pk}
    assert manifest["files"] and not manifest["skipped"]
    assert any("CSV queued 2 generation(s)" in line for line in lines)
    assert any("reviewer decided: approve" in line for line in lines)
