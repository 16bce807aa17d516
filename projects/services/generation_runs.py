"""Run a queued generation: claim it, call the provider with no transaction open, store the
outputs, and finish (or schedule a retry) in one short transaction.

    queued --claim (compare-and-set)--> running --provider call--> succeeded | partial | failed
                                          └─ transient error, attempts left --> queued (later)

A duplicated or re-delivered job finds nothing to claim and returns; one delivered before the
row's `not_before` (RQ schedules in whole seconds) is deferred again, never dropped. While the call
is in flight projects/liveness.py keeps pushing the row's `deadline_at` forward; a worker that dies
stops doing so, and `generation_sweeps` finds the row within about a minute.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from brandkit.choices import AuditVerb
from brandkit.models import ModelMapping
from brandkit.services.provider_credentials import provider_overrides
from projects import db_slots, liveness
from projects.choices import AttemptOutcome, GenerationStatus
from projects.jobs import generation_run_job
from projects.models import Generation, GenerationAttempt
from projects.payloads import retry_delay_seconds
from projects.pricing import PriceBasis, generation_cost, price_basis
from projects.providers import catalog, get_provider
from projects.providers.base import OutputImage, ProviderError, ProviderErrorKind, ProviderResult
from projects.providers.references import resolve_payload
from projects.queue import enqueue_after_commit, get_connection, job_timeout_seconds
from projects.ratelimit import CONCURRENCY_RETRY_SECONDS, ProviderLimiter, limits_for
from projects.references import StoredReferences
from projects.services.generation_requests import audit_generation
from projects.services.outputs import (
    StoredOutput,
    output_restore_missing,
    output_store,
    output_versions_create,
)
from projects.services.reproductions import reproduction_complete

logger = logging.getLogger(__name__)
S = GenerationStatus
FINISH_VERBS = {
    S.SUCCEEDED: AuditVerb.GENERATION_SUCCEEDED,
    S.PARTIAL: AuditVerb.GENERATION_PARTIAL,
    S.FAILED: AuditVerb.GENERATION_FAILED,
}
DEFER_MIN_SECONDS = 2.0
# A job refused a provider slot for concurrency waits for one on its thread this long.
SLOT_WAIT_SECONDS = 30.0
# RQ's scheduler works in whole seconds, so a deferral re-sent for an early delivery aims this far
# past `not_before`.
EARLY_DELIVERY_MARGIN_SECONDS = 1.0
STORAGE_FAILED = "storage_failed"
STORAGE_FAILED_MESSAGE = (
    "The provider answered, but its images could not be saved to storage; no version was made. "
    "The provider has billed this attempt. Retry once storage is back."
)


def enqueue_generation(
    generation: Generation, *, delay_seconds: float = 0.0, replace_started: bool = False
) -> None:
    """Send the generation's next attempt to the workers once the transaction commits
    (`replace_started`: see `projects.queue.enqueue_after_commit`)."""
    job_id = f"generation-{generation.pk}-{generation.attempts + 1}"
    if delay_seconds > 0:
        # A deferral made from inside the running job must not collide with the job's own id
        # (nor with another deferral); the claim's compare-and-set makes extra jobs harmless.
        job_id += f"-later-{uuid.uuid4().hex[:12]}"
    enqueue_after_commit(
        generation_run_job,
        generation.pk,
        job_id=job_id,
        delay_seconds=delay_seconds,
        replace_started=replace_started,
    )


def worker_identity() -> str:
    """Names the process running an attempt, so a crash report fails only its own attempt."""
    return f"{os.environ.get('RQ_WORKER_ID', 'worker')}-pid{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    generation: Generation
    attempt: GenerationAttempt


def generation_run(*, generation_id: int) -> None:
    """Run one attempt of a queued generation; a no-op for anything not claimable."""
    generation = Generation.objects.filter(pk=generation_id, status=S.QUEUED).first()
    if generation is None:
        return
    now = timezone.now()
    if generation.not_before and generation.not_before > now:
        # Delivered early (RQ rounds schedules to whole seconds) or a duplicate: send it again for
        # not_before rather than drop it, since it may be the only job this row has.
        wait = (generation.not_before - now).total_seconds() + EARLY_DELIVERY_MARGIN_SECONDS
        enqueue_generation(generation, delay_seconds=wait)
        return
    time_limit = generation_time_limit(generation)
    if settings.BRANDKIT_QUEUE_MODE == "inline":
        # In-process runs (some tests) have no Redis to coordinate limits through.
        claim = _claim(generation_id, time_limit=time_limit)
        if claim is not None:
            _run_tracked(claim)
        return
    limiter = ProviderLimiter(
        get_connection(), provider=generation.provider, limits=limits_for(generation.provider)
    )
    # One lease per execution: a duplicate job must never release the slot of the real run.
    lease_id = f"generation-{generation.pk}-{generation.attempts + 1}-{uuid.uuid4().hex[:8]}"
    # A short lease, renewed by liveness while the call is in flight: it dies with this process.
    wait = _acquire_slot(limiter, lease_id=lease_id, images=generation.expected_images)
    if wait > 0:
        _defer(generation, wait)
        return
    try:
        claim = _claim(generation_id, time_limit=time_limit)
        if claim is not None:
            _run_tracked(claim, limiter=limiter, lease_id=lease_id)
    finally:
        try:
            limiter.release(lease_id=lease_id)
        except Exception:
            # The lease is short and no longer renewed: the slot frees itself within a lease.
            logger.warning("Could not release provider lease %s", lease_id, exc_info=True)


def _acquire_slot(limiter: ProviderLimiter, *, lease_id: str, images: int) -> float:
    """Take a provider slot, waiting for one on this thread while the wait is short.

    A full concurrency limit frees up as soon as any call in flight ends, so a thread-pool worker
    blocks here until a release wakes it (cheap: the thread only waits on Redis) instead of
    deferring through the scheduler, which would leave the freed slot idle for seconds. A refusal
    that is long (the per-minute window) or has lasted SLOT_WAIT_SECONDS is returned, and the
    caller defers the job. So is any refusal while PROVIDER_SLOT_WAITERS threads of this process
    already wait for the same provider: a saturated provider must not take every thread and
    hold up the jobs of the others.
    """
    deadline = time.monotonic() + SLOT_WAIT_SECONDS
    wait = limiter.try_acquire(
        lease_id=lease_id, images=images, lease_seconds=settings.PROVIDER_LEASE_SECONDS
    )
    if wait <= 0 or wait > CONCURRENCY_RETRY_SECONDS:
        return wait
    waiters = _slot_waiters(limiter.provider)
    if not waiters.acquire(blocking=False):
        return wait
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return wait
            with db_slots.released():
                limiter.wait_for_release(timeout=min(wait, left))
            wait = limiter.try_acquire(
                lease_id=lease_id, images=images, lease_seconds=settings.PROVIDER_LEASE_SECONDS
            )
            if wait <= 0 or wait > CONCURRENCY_RETRY_SECONDS:
                return wait
    finally:
        waiters.release()


_waiters_lock = threading.Lock()
_waiters_by_provider: dict[str, threading.BoundedSemaphore] = {}


def _slot_waiters(provider: str) -> threading.BoundedSemaphore:
    """How many more threads of this process may block waiting for `provider`'s next slot."""
    with _waiters_lock:
        waiters = _waiters_by_provider.get(provider)
        if waiters is None:
            waiters = threading.BoundedSemaphore(max(1, settings.PROVIDER_SLOT_WAITERS))
            _waiters_by_provider[provider] = waiters
        return waiters


def _run_tracked(
    claim: Claim, *, limiter: ProviderLimiter | None = None, lease_id: str = ""
) -> None:
    generation = claim.generation
    entry = liveness.InFlight(
        generation_id=generation.pk,
        attempt=claim.attempt.number,
        hard_deadline=generation_deadline(generation, now=claim.attempt.started_at),
        limiter=limiter,
        lease_id=lease_id,
    )
    with liveness.tracking(entry):
        _run_claimed(claim)


def _defer(generation: Generation, seconds: float) -> None:
    """The provider's rate limit is reached: wait in the queue instead of drawing a 429.

    A full concurrency limit answers with a short poll hint; spreading the deferrals (at least
    2 s, jittered) keeps a burst of hundreds from cycling through the scheduler every second.
    """
    seconds = max(seconds, DEFER_MIN_SECONDS) + random.uniform(0, DEFER_MIN_SECONDS)  # noqa: S311
    with transaction.atomic():
        updated = Generation.objects.filter(pk=generation.pk, status=S.QUEUED).update(
            not_before=timezone.now() + timedelta(seconds=seconds), updated_at=timezone.now()
        )
        if updated:
            enqueue_generation(generation, delay_seconds=seconds)


def _mappings(generation: Generation) -> dict[str, str]:
    return dict(
        ModelMapping.objects.filter(brand_id=generation.campaign.brand_id).values_list(
            "model_id", "maps_to"
        )
    )


def generation_time_limit(generation: Generation) -> int:
    """Seconds one attempt of this generation may run: its model's job timeout from the model
    table (5.0 Pro answers in up to about 2 minutes, a 4.0 group of 15 in several), the queue's
    default for a model the table cannot place. The worker's deadline and its rate-limit lease
    follow it, so a slow model is not swept as lost while it is still working."""
    return catalog.job_timeout_seconds(
        generation.model, default=job_timeout_seconds(), mappings=_mappings(generation)
    )


def generation_deadline(generation: Generation, *, now: datetime) -> datetime:
    """When a running attempt started at `now` counts as lost (its time limit plus a minute)."""
    return now + timedelta(seconds=generation_time_limit(generation) + 60)


def _claim(generation_id: int, *, time_limit: int | None = None) -> Claim | None:
    """queued -> running with a compare-and-set: of two workers given the same job, one wins."""
    now = timezone.now()
    with transaction.atomic():
        updated = Generation.objects.filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now),
            pk=generation_id,
            status=S.QUEUED,
            attempts__lt=F("max_attempts"),
        ).update(
            status=S.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            # Only a liveness period ahead: the worker renews it while the call is in flight.
            deadline_at=min(
                now + timedelta(seconds=settings.GENERATION_LIVENESS_SECONDS),
                now + timedelta(seconds=(time_limit or job_timeout_seconds()) + 60),
            ),
            not_before=None,
            updated_at=now,
        )
        if not updated:
            return None
        generation = Generation.objects.select_related("campaign__brand").get(pk=generation_id)
        attempt = GenerationAttempt.objects.create(
            generation=generation,
            number=generation.attempts,
            started_at=now,
            worker=worker_identity(),
        )
    return Claim(generation=generation, attempt=attempt)


def _run_claimed(claim: Claim) -> None:
    generation = claim.generation
    started = time.monotonic()
    streamed: dict[int, StoredOutput] = {}
    try:
        result = _call_provider(generation, on_image=_store_as_it_arrives(claim, streamed))
    except ProviderError as error:
        _with_write_retry(claim, partial(_finish_with_error, claim, error))
        return
    seconds = time.monotonic() - started
    try:
        with db_slots.released():  # storage and thumbnails need no database
            stored = [
                streamed.get(image.index) or output_store(image) for image in result.succeeded
            ]
    except Exception:
        # Any storage backend error (disk full, S3 down): the images are paid for, so say so.
        # Files already written stay (content-addressed, maybe shared); no version points anywhere.
        logger.exception("Storing the outputs of generation %s failed", generation.pk)
        _with_write_retry(claim, partial(_finish_with_storage_failure, claim, result))
        return
    _with_write_retry(
        claim, partial(_finish_with_result, claim, result, stored, seconds, shown=set(streamed))
    )


def _store_as_it_arrives(
    claim: Claim, streamed: dict[int, StoredOutput]
) -> Callable[[OutputImage], None]:
    """For streamed groups: store each image and make its version as soon as it arrives, so the
    campaign page shows it while the rest of the group is still being made. A reproduction
    keeps its outputs apart until the end (they are compared, not added as versions)."""

    def on_image(image: OutputImage) -> None:
        output = output_store(image)
        streamed[image.index] = output
        if claim.generation.is_reproduction:
            return
        # Called during the provider call, when this thread holds no database slot.
        with db_slots.session(), transaction.atomic():
            generation = _lock_own_run(claim)
            if generation is not None:
                output_versions_create(generation=generation, outputs=[output])

    return on_image


def _call_provider(
    generation: Generation, *, on_image: Callable[[OutputImage], None] | None = None
) -> ProviderResult:
    """The only step that talks to the provider; no transaction or row lock is open here."""
    overrides = provider_overrides(brand=generation.campaign.brand, provider=generation.provider)
    if generation.model and generation.provider != "local":
        # The stored model (fal picks its endpoint from it) with the model's read timeout.
        overrides["model"] = generation.model
        overrides["read_timeout"] = catalog.read_timeout_seconds(
            generation.model, _mappings(generation)
        )
    provider = get_provider(generation.provider, **overrides)
    body = resolve_payload(generation.payload, StoredReferences())
    # Hand the connection back for the call's seconds or minutes: a worker with dozens of calls in
    # flight must not hold dozens of idle database connections. The next query opens a fresh one.
    with db_slots.released():
        return provider.submit(body, on_image=on_image)


def _with_write_retry(claim: Claim, write: Callable[[], None]) -> None:
    """Run a result write, retried on a fresh connection when the database connection drops.

    The provider has answered (and billed) by now, so the answer is written again, never asked for
    again. A retry first checks whether the lost connection had committed the write after all.
    """
    deadline = time.monotonic() + settings.GENERATION_WRITE_RETRY_SECONDS
    delay = 0.2
    while True:
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() + delay > deadline:
                raise
            logger.warning(
                "Writing the result of generation %s lost the database; retrying",
                claim.generation.pk,
                exc_info=True,
            )
        connection.close()
        time.sleep(delay)
        delay = min(delay * 2, 5.0)
        try:
            if GenerationAttempt.objects.filter(
                pk=claim.attempt.pk, finished_at__isnull=False
            ).exists():
                return  # the write committed before the connection died
        except (OperationalError, InterfaceError):
            connection.close()


def price_basis_of(generation: Generation) -> PriceBasis:
    """The price basis recorded when the generation was queued; for rows older than the model
    table, the basis their provider and model get now (4.0 at $0.03, as it was then)."""
    record = (generation.parameters or {}).get("price_basis")
    if isinstance(record, dict):
        return PriceBasis.from_record(record)
    return price_basis(
        provider=generation.provider,
        model_id=generation.model,
        size=str((generation.parameters or {}).get("size", "2K")),
        mappings=_mappings(generation),
    )


def _lock_own_run(claim: Claim) -> Generation | None:
    """The row, locked, if it is still this attempt's run (not canceled or swept meanwhile)."""
    # The campaign comes in the same query (the audit line needs its brand); only the generation
    # row is locked.
    generation = (
        Generation.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=claim.generation.pk)
    )
    if generation.status != S.RUNNING or generation.attempts != claim.attempt.number:
        GenerationAttempt.objects.filter(pk=claim.attempt.pk).update(
            finished_at=timezone.now(),
            outcome=AttemptOutcome.CANCELED
            if generation.status == S.CANCELED
            else AttemptOutcome.LOST,
        )
        return None
    return generation


def _record_discarded_bill(claim: Claim, result: ProviderResult) -> None:
    """A run canceled while its call was in flight: the images are discarded, but what the
    provider billed still counts against the campaign."""
    cost = generation_cost(price_basis_of(claim.generation), images=result.billed_images)
    Generation.objects.filter(
        pk=claim.generation.pk, status=S.CANCELED, attempts=claim.attempt.number
    ).update(billed_images=result.billed_images, cost=cost, updated_at=timezone.now())


def _finish_with_result(
    claim: Claim,
    result: ProviderResult,
    stored: list[StoredOutput],
    seconds: float,
    *,
    shown: set[int] | None = None,
) -> None:
    """Finish the run; `shown` are the output indexes whose versions a stream already made."""
    failed = [
        {"index": image.index, "kind": image.error.kind.value, "message": image.error.message}
        for image in result.failed
        if image.error is not None
    ]
    status = (S.PARTIAL if failed else S.SUCCEEDED) if stored else S.FAILED
    now = timezone.now()
    with transaction.atomic():
        generation = _lock_own_run(claim)
        if generation is None:
            _record_discarded_bill(claim, result)
            return
        for image, output in zip(result.succeeded, stored, strict=True):
            output_restore_missing(image=image, stored=output)
        if generation.is_reproduction:
            reproduction_complete(generation=generation, outputs=stored)
        else:
            output_versions_create(
                generation=generation,
                outputs=[output for output in stored if output.index not in (shown or set())],
            )
        generation.status = status
        generation.finished_at = now
        generation.provider_seconds = seconds
        generation.provider_request_id = result.request_id[:200]
        generation.billed_images = result.billed_images
        generation.cost = generation_cost(price_basis_of(generation), images=result.billed_images)
        generation.response = dict(result.raw)
        generation.failed_outputs = failed
        generation.error_kind = failed[0]["kind"] if status == S.FAILED and failed else ""
        # A retried generation carries its last error until now; none of it describes this result.
        generation.error_code = ""
        generation.error_message = _summary(failed, stored) if failed else ""
        generation.save(
            update_fields=[
                "status",
                "finished_at",
                "provider_seconds",
                "provider_request_id",
                "billed_images",
                "cost",
                "response",
                "failed_outputs",
                "error_kind",
                "error_code",
                "error_message",
                "updated_at",
            ]
        )
        GenerationAttempt.objects.filter(pk=claim.attempt.pk).update(
            finished_at=now,
            outcome=AttemptOutcome(status.value) if status != S.FAILED else AttemptOutcome.FAILED,
        )
        audit_generation(generation, FINISH_VERBS[status])


def _finish_with_storage_failure(claim: Claim, result: ProviderResult) -> None:
    """The provider answered but storage refused the images: fail with the reason, record the bill
    (the provider charged for them) and leave "retry" to the person."""
    now = timezone.now()
    with transaction.atomic():
        generation = _lock_own_run(claim)
        if generation is None:
            _record_discarded_bill(claim, result)
            return
        generation.status = S.FAILED
        generation.finished_at = now
        generation.billed_images = result.billed_images
        generation.cost = generation_cost(price_basis_of(generation), images=result.billed_images)
        generation.provider_request_id = result.request_id[:200]
        generation.error_kind = STORAGE_FAILED
        generation.error_code = ""
        generation.error_message = STORAGE_FAILED_MESSAGE
        generation.save(
            update_fields=[
                "status",
                "finished_at",
                "billed_images",
                "cost",
                "provider_request_id",
                "error_kind",
                "error_code",
                "error_message",
                "updated_at",
            ]
        )
        GenerationAttempt.objects.filter(pk=claim.attempt.pk).update(
            finished_at=now,
            outcome=AttemptOutcome.FAILED,
            error_kind=STORAGE_FAILED,
            error_message=STORAGE_FAILED_MESSAGE,
            may_have_billed=True,
        )
        audit_generation(generation, AuditVerb.GENERATION_FAILED)


def _summary(failed: list[dict[str, object]], stored: list[StoredOutput]) -> str:
    first = failed[0]["message"]
    if stored:
        return f"{len(failed)} of {len(failed) + len(stored)} images failed: {first}"
    return str(first)


def _finish_with_error(claim: Claim, error: ProviderError) -> None:
    """Retry a transient failure later (a new attempt, never silent) or fail for good."""
    now = timezone.now()
    with transaction.atomic():
        generation = _lock_own_run(claim)
        if generation is None:
            return
        will_retry = error.is_retryable and generation.attempts < generation.max_attempts
        generation.error_kind = error.kind.value
        generation.error_code = error.code[:120]
        generation.error_message = error.message
        fields = ["status", "error_kind", "error_code", "error_message", "updated_at"]
        if will_retry:
            delay = retry_delay_seconds(
                attempt=generation.attempts,
                base=settings.GENERATION_RETRY_BASE_SECONDS,
                cap=settings.GENERATION_RETRY_MAX_SECONDS,
                retry_after=error.retry_after,
            )
            generation.status = S.QUEUED
            generation.not_before = now + timedelta(seconds=delay)
            fields.append("not_before")
        else:
            generation.status = S.FAILED
            generation.finished_at = now
            fields.append("finished_at")
        generation.save(update_fields=fields)
        GenerationAttempt.objects.filter(pk=claim.attempt.pk).update(
            finished_at=now,
            outcome=AttemptOutcome.RETRYING if will_retry else AttemptOutcome.FAILED,
            error_kind=error.kind.value,
            error_message=error.message,
            may_have_billed=error.may_have_billed,
        )
        audit_generation(
            generation,
            AuditVerb.GENERATION_RETRYING if will_retry else AuditVerb.GENERATION_FAILED,
        )
        if will_retry:
            enqueue_generation(generation, delay_seconds=delay)


def generation_run_crashed(*, generation_id: int) -> None:
    """An unexpected exception escaped a run: record it as failed, visibly, rather than leave the
    row running until the sweep. The job edge logs the traceback and re-raises."""
    now = timezone.now()
    with transaction.atomic():
        generation = (
            Generation.objects.select_for_update()
            .filter(pk=generation_id, status=S.RUNNING)
            .first()
        )
        # Only this process's own attempt: a worker that stalled past its deadline and crashed
        # later must not fail the retry that replaced it.
        if (
            generation is None
            or not GenerationAttempt.objects.filter(
                generation=generation, number=generation.attempts, worker=worker_identity()
            ).exists()
        ):
            return
        generation.status = S.FAILED
        generation.finished_at = now
        generation.error_kind = ProviderErrorKind.UNAVAILABLE.value
        generation.error_message = (
            "Brandkit hit an internal error while running this generation; it was logged. "
            "Retry it, and tell an admin if it happens again."
        )
        generation.save(
            update_fields=["status", "finished_at", "error_kind", "error_message", "updated_at"]
        )
        GenerationAttempt.objects.filter(
            generation=generation, number=generation.attempts, finished_at__isnull=True
        ).update(finished_at=now, outcome=AttemptOutcome.FAILED, error_message="internal error")
        audit_generation(generation, AuditVerb.GENERATION_FAILED)
