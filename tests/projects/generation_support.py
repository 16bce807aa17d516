"""Helpers of the generation pipeline tests: ask through the service, run jobs, read the record.

Every state is reached through the services; the one shortcut is `run_retry_now`, which stands in
for the RQ scheduler so a test never sleeps through a real backoff or Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage

from projects.choices import GenerationStatus
from projects.jobs import generation_run_job
from projects.models import Generation, GenerationAttempt
from projects.queue import get_queue
from projects.services.generation_requests import GenerationInput, generation_request

PROMPT = "a cold brew bottle on a counter"


def ask(studio: Any, *, user: Any = None, **fields: Any) -> list[Generation]:
    """generation_request for the studio's campaign, as its marketer unless `user` is given."""
    fields.setdefault("prompt", PROMPT)
    return generation_request(
        generation_input=GenerationInput(campaign_id=studio.campaign.pk, **fields),
        user=user or studio.marketer,
    )


def ask_ark(studio: Any, **fields: Any) -> Generation:
    """One generation on the (fake) Ark provider."""
    [generation] = ask(studio, provider="ark", **fields)
    return generation


def run_retry_now(generation: Generation) -> Generation:
    """Run a scheduled retry at once, as the scheduler would at `not_before`, and reload."""
    Generation.objects.filter(pk=generation.pk, status=GenerationStatus.QUEUED).update(
        not_before=None
    )
    generation_run_job(generation.pk)
    return Generation.objects.get(pk=generation.pk)


def attempt_log(generation: Generation) -> list[GenerationAttempt]:
    return list(GenerationAttempt.objects.filter(generation=generation).order_by("number"))


def outcomes(generation: Generation) -> list[str]:
    return [attempt.outcome for attempt in attempt_log(generation)]


def queued_job_ids() -> list[str]:
    return get_queue().get_job_ids()


def scheduled_job_ids() -> list[str]:
    return get_queue().scheduled_job_registry.get_job_ids()


def stored_output_names() -> list[str]:
    """Every file under outputs/ in the default storage."""
    try:
        shards, _files = default_storage.listdir("outputs")
    except FileNotFoundError:
        return []
    return sorted(
        f"outputs/{shard}/{name}"
        for shard in shards
        for name in default_storage.listdir(f"outputs/{shard}")[1]
    )


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    """Poll `condition` every 50 ms; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
