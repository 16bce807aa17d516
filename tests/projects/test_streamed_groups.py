"""Streamed groups (ModelArk SSE, research §1.6) against the loopback fake: images arrive in
order and are handed over one by one, the campaign's progress JSON shows them before the
request ends, and a cut stream keeps what arrived and records the rest as failed."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from projects.choices import GenerationMode, GenerationStatus
from projects.models import AssetVersion, Generation
from projects.providers import get_provider
from projects.providers.ark_stream import DONE, sse_events
from projects.providers.base import GenerationSpec, OutputImage
from projects.providers.base import ProviderErrorKind as Kind
from tests.contract.fake_replies import Fault
from tests.projects.conftest import work_queue
from tests.projects.generation_support import ask_ark


def test_sse_lines_become_events() -> None:
    lines = [
        ": keep-alive",
        "event: image_generation.partial_succeeded",
        'data: {"image_index": 0, "url": "https://x/0.jpg"}',
        "",
        'data: {"type": "image_generation.completed", "usage": {"generated_images": 1}}',
        "",
        "data: [DONE]",
        "",
    ]
    events = list(sse_events(lines))
    assert [event.type for event in events] == [
        "image_generation.partial_succeeded",
        "image_generation.completed",
        DONE,
    ]
    assert events[0].data["image_index"] == 0


@pytest.mark.usefixtures("provider_settings")
def test_a_streamed_group_hands_over_each_image_in_order(fake_provider: Any) -> None:
    provider = get_provider("ark")
    body = provider.build_payload(GenerationSpec(prompt="a set", max_images=4))
    assert body["stream"] is True
    arrived: list[OutputImage] = []
    result = provider.submit(body, on_image=arrived.append)
    assert [image.index for image in arrived] == [0, 1, 2, 3]
    assert [image.data for image in arrived] == [fake_provider.image_bytes(i) for i in range(4)]
    assert result.succeeded == tuple(arrived)
    assert result.billed_images == 4
    assert len(fake_provider.posts()) == 1


@pytest.mark.usefixtures("provider_settings")
def test_a_cut_stream_keeps_the_received_images_and_fails_the_rest(fake_provider: Any) -> None:
    fake_provider.script(Fault.STREAM_CUT)
    provider = get_provider("ark")
    arrived: list[OutputImage] = []
    result = provider.submit(
        provider.build_payload(GenerationSpec(prompt="a set", max_images=4)),
        on_image=arrived.append,
    )
    assert [image.index for image in result.succeeded] == [0, 1] == [i.index for i in arrived]
    assert [image.index for image in result.failed] == [2, 3]
    for image in result.failed:
        assert image.error is not None
        assert image.error.kind is Kind.UNAVAILABLE and image.error.may_have_billed
        assert image.error.code == "stream_cut"
        assert "the stream was cut after 2 of up to 4 images" in image.error.message
    assert result.billed_images == 2
    assert len(fake_provider.posts()) == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_cut_stream_in_the_worker_ends_partial_and_is_not_resent(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    fake_provider.script(Fault.STREAM_CUT)
    generation = ask_ark(studio, mode=GenerationMode.GROUP, group_size=4)
    work_queue()
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.PARTIAL
    assert generation.attempts == 1
    assert len(fake_provider.posts()) == 1  # one billed request, never silently re-sent
    versions = AssetVersion.objects.filter(generation=generation).order_by("output_index")
    assert [version.output_index for version in versions] == [0, 1]
    assert [failure["index"] for failure in generation.failed_outputs] == [2, 3]
    assert "stream was cut" in generation.failed_outputs[0]["message"]
    assert generation.billed_images == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_progress_shows_streamed_images_before_the_request_ends(
    studio: Any, rq_settings: Any, provider_settings: Any, fake_provider: Any
) -> None:
    gate = threading.Event()
    fake_provider.stream_gate = gate
    generation = ask_ark(studio, mode=GenerationMode.GROUP, group_size=3)
    seen: dict[str, Any] = {}
    url = reverse("projects:campaign_progress", args=[studio.campaign.pk])

    def watch_the_page() -> None:
        """What the campaign page polls, while the worker (main thread) is inside the request."""
        client = Client()
        client.force_login(studio.marketer)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                rows = client.get(url).json()["generations"]
                row = next(r for r in rows if r["id"] == generation.pk)
                if row["outputs"]:
                    seen.update(row)
                    break
                time.sleep(0.05)
        finally:
            gate.set()  # let the stream go on
            connection.close()

    watcher = threading.Thread(target=watch_the_page)
    watcher.start()
    work_queue()
    watcher.join(20)
    # The first image was on the page while the request was still open (held by the gate).
    assert seen["status"] == GenerationStatus.RUNNING
    assert len(seen["outputs"]) == 1
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.SUCCEEDED, generation.error_message
    assert AssetVersion.objects.filter(generation=generation).count() == 3
    assert Generation.objects.count() == 1
