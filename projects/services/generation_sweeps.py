"""Find generations that nobody is working on and put them back in motion, visibly.

Runs at worker start-up and at every worker maintenance (projects/worker.py), and from
`manage.py sweep_generations`. It must not wait on RQ's own abandoned-job handling, which can
take many minutes on an idle queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from brandkit.choices import AuditVerb
from projects.choices import AttemptOutcome, GenerationStatus
from projects.models import Generation, GenerationAttempt
from projects.services.generation_requests import audit_generation
from projects.services.generation_runs import enqueue_generation

S = GenerationStatus
LOST_MESSAGE = (
    "The worker running this generation stopped before it finished; "
    "the provider may have billed the attempt."
)
STOPPED_MESSAGE = (
    "The worker running this generation was stopped before the provider answered; "
    "the provider may have billed the attempt."
)


@dataclass(frozen=True)
class SweepReport:
    requeued_lost: int = 0
    failed_lost: int = 0
    resent_queued: int = 0

    @property
    def total(self) -> int:
        return self.requeued_lost + self.failed_lost + self.resent_queued


def generation_sweep(*, now: datetime | None = None) -> SweepReport:
    """Re-queue (or fail, when out of attempts) runs past their deadline, and re-send queued
    generations that have waited too long for a worker (RQ lost the job, or Redis was down)."""
    now = now or timezone.now()
    requeued = failed = 0
    lost_ids = Generation.objects.filter(status=S.RUNNING, deadline_at__lt=now).values_list(
        "pk", flat=True
    )
    for generation_id in list(lost_ids):
        outcome = _recover_lost(generation_id, now)
        requeued += outcome == S.QUEUED
        failed += outcome == S.FAILED
    stale_before = now - timedelta(seconds=settings.GENERATION_STALE_QUEUED_SECONDS)
    stale = Generation.objects.filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now),
        status=S.QUEUED,
        updated_at__lt=stale_before,
    )
    resent = 0
    with transaction.atomic():
        stale_rows = list(stale.select_for_update(skip_locked=True))
        for generation in stale_rows:
            # The job id is per attempt and unique in RQ: a job still queued is not duplicated,
            # but one a dead worker had started (before its claim) is replaced.
            enqueue_generation(generation, replace_started=True)
            resent += 1
        # Mark them as just re-sent, so the next sweep waits another stale period for them.
        Generation.objects.filter(pk__in=[g.pk for g in stale_rows]).update(updated_at=now)
    return SweepReport(requeued_lost=requeued, failed_lost=failed, resent_queued=resent)


def generation_requeue_interrupted(*, generation_id: int, attempt: int) -> str | None:
    """A stopping worker gives back a run it could not finish within its drain time: re-queue it
    (a lost attempt, which the provider may have billed) or fail it when out of attempts."""
    return _recover(
        Q(attempts=attempt),
        generation_id,
        timezone.now(),
        kind="worker_stopped",
        message=STOPPED_MESSAGE,
    )


def _recover_lost(generation_id: int, now: datetime) -> str | None:
    return _recover(
        Q(deadline_at__lt=now), generation_id, now, kind="worker_lost", message=LOST_MESSAGE
    )


def _recover(match: Q, generation_id: int, now: datetime, *, kind: str, message: str) -> str | None:
    with transaction.atomic():
        generation = (
            Generation.objects.select_for_update()
            .filter(match, pk=generation_id, status=S.RUNNING)
            .first()
        )
        if generation is None:
            return None
        GenerationAttempt.objects.filter(
            generation=generation, number=generation.attempts, finished_at__isnull=True
        ).update(
            finished_at=now,
            outcome=AttemptOutcome.LOST,
            error_message=message,
            may_have_billed=True,
        )
        generation.error_kind = kind
        generation.error_message = message
        if generation.attempts < generation.max_attempts:
            generation.status = S.QUEUED
            generation.not_before = None
            generation.save(
                update_fields=["status", "not_before", "error_kind", "error_message", "updated_at"]
            )
            audit_generation(generation, AuditVerb.GENERATION_REQUEUED)
            enqueue_generation(generation)
        else:
            generation.status = S.FAILED
            generation.finished_at = now
            generation.save(
                update_fields=["status", "finished_at", "error_kind", "error_message", "updated_at"]
            )
            audit_generation(generation, AuditVerb.GENERATION_FAILED)
        return generation.status
