"""What people do to generations in flight: cancel, retry failed, per generation or batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from brandkit.choices import AuditVerb, MembershipRole
from brandkit.selectors import brand_role
from projects.choices import GENERATION_TRANSITIONS, GenerationStatus
from projects.exceptions import GenerationRefused, InvalidTransition
from projects.models import Campaign, Generation, GenerationBatch
from projects.services.generation_requests import audit_generation, campaign_committed_spend
from projects.services.generation_runs import enqueue_generation

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

S = GenerationStatus
CONTROLLER_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}


def _check_role(user: AbstractBaseUser, campaign: Campaign) -> None:
    if brand_role(user=user, brand=campaign.brand) not in CONTROLLER_ROLES:
        raise GenerationRefused(f"Only marketers and admins of {campaign.brand} can do this.")


def generation_cancel(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """Stop a queued or running generation. A running call cannot be recalled from the
    provider: its result is discarded when it comes back (and may still be billed)."""
    _check_role(user, generation.campaign)
    with transaction.atomic():
        locked = Generation.objects.select_for_update().get(pk=generation.pk)
        if S.CANCELED not in GENERATION_TRANSITIONS[locked.status]:
            raise InvalidTransition(locked.get_status_display().lower(), "canceled")
        locked.status = S.CANCELED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at", "updated_at"])
        audit_generation(locked, AuditVerb.GENERATION_CANCELED, actor=user)
    return locked


def generation_retry(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """A person asks to try a failed generation again: fresh attempts, same payload."""
    _check_role(user, generation.campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=generation.campaign_id)
        locked = Generation.objects.select_for_update().get(pk=generation.pk)
        if locked.status != S.FAILED:
            raise InvalidTransition(locked.get_status_display().lower(), "queued")
        if campaign_committed_spend(campaign) + locked.estimated_cost > campaign.budget:
            raise GenerationRefused("Retrying this would take the campaign past its budget.")
        Generation.objects.filter(pk=locked.pk).update(
            status=S.QUEUED,
            max_attempts=F("attempts") + settings.GENERATION_MAX_ATTEMPTS,
            not_before=None,
            finished_at=None,
            queued_at=timezone.now(),
            updated_at=timezone.now(),
        )
        locked.refresh_from_db()
        audit_generation(locked, AuditVerb.GENERATION_REQUEUED, actor=user)
        enqueue_generation(locked)
    return locked


def batch_cancel_remaining(*, batch: GenerationBatch, user: AbstractBaseUser) -> int:
    """Cancel every generation of the batch still queued or running; returns how many."""
    canceled = 0
    for generation in batch.generations.filter(status__in=[S.QUEUED, S.RUNNING]):
        try:
            generation_cancel(generation=generation, user=user)
        except InvalidTransition:
            continue  # it finished meanwhile
        canceled += 1
    return canceled


def batch_retry_failed(*, batch: GenerationBatch, user: AbstractBaseUser) -> int:
    """Retry every failed generation of the batch; returns how many were re-queued."""
    retried = 0
    for generation in batch.generations.filter(status=S.FAILED):
        generation_retry(generation=generation, user=user)
        retried += 1
    return retried
