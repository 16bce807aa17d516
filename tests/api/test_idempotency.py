"""Idempotency-Key on generation requests: one queueing and one provider call per key."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from api.models import IdempotencyKey
from projects.models import Generation
from tests.api.conftest import World, make_studio
from tests.projects.review_support import LOCAL_SIZE


def _body(world: World, prompt: str = "a bottle") -> dict[str, Any]:
    return {"campaign": world.a.campaign.pk, "prompt": prompt, "size": LOCAL_SIZE}


def test_same_key_and_body_replays_the_first_answer(world: World) -> None:
    client = world.client("a_marketer")
    before = Generation.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.post(
            "/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = client.post(
            "/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Generation.objects.count() == before + 1
    # Another key is another request.
    with TestCase.captureOnCommitCallbacks(execute=True):
        third = client.post(
            "/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
        )
    assert third.json() != first.json() and Generation.objects.count() == before + 2


def test_same_key_with_another_body_is_refused(world: World) -> None:
    client = world.client("a_marketer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k")
    count = Generation.objects.count()
    response = client.post(
        "/api/v1/generations/", _body(world, "a can"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Generation.objects.count() == count


def test_a_refused_request_does_not_burn_its_key(world: World) -> None:
    client = world.client("a_marketer")
    world.a.brand.forbidden_terms = "whisky"
    world.a.brand.save()
    body = _body(world, "a whisky glass")
    refused = client.post("/api/v1/generations/", body, format="json", HTTP_IDEMPOTENCY_KEY="w")
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.filter(key="w").exists()
    world.a.brand.forbidden_terms = ""
    world.a.brand.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        accepted = client.post(
            "/api/v1/generations/", body, format="json", HTTP_IDEMPOTENCY_KEY="w"
        )
    assert accepted.status_code == 201


def test_keys_are_per_user_and_expire(world: World) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.client("a_marketer").post(
            "/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="shared"
        )
    # The admin's identical key is their own request, not a replay of the marketer's.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = world.client("a_admin").post(
            "/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="shared"
        )
    assert "Idempotent-Replayed" not in response
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency_keys")
    assert not IdempotencyKey.objects.exists()
    too_long = world.client("a_marketer").post(
        "/api/v1/generations/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert too_long.status_code == 400 and too_long.json()["field"] == "Idempotency-Key"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_requests_with_one_key_queue_and_call_the_provider_once(
    media_root: Any, inline_queue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.test import APIClient

    from api.choices import TokenScope
    from api.services.tokens import token_create
    from api.views import generations as generation_views
    from projects.services import generation_runs

    studio = make_studio("racer")
    _, secret = token_create(user=studio.marketer, name="race", scope=TokenScope.WRITE)
    calls: list[int] = []
    real_call = generation_runs._call_provider

    def counting_call(generation: Generation, **kwargs: Any) -> Any:
        calls.append(generation.pk)
        return real_call(generation, **kwargs)

    monkeypatch.setattr(generation_runs, "_call_provider", counting_call)
    real_request = generation_views.generation_request

    def slow_request(**kwargs: Any) -> Any:
        # Hold the first request inside its transaction, so the second surely arrives meanwhile.
        result = real_request(**kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(generation_views, "generation_request", slow_request)
    body = {"campaign": studio.campaign.pk, "prompt": "a bottle", "size": LOCAL_SIZE}
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def post() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        try:
            answers.append(
                client.post("/api/v1/generations/", body, format="json", HTTP_IDEMPOTENCY_KEY="r")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted("Idempotent-Replayed" in answer for answer in answers) == [False, True]
    assert Generation.objects.filter(campaign=studio.campaign).count() == 1
    assert len(calls) == 1
