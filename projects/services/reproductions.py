"""Reproduce a version: re-send its stored payload unchanged, then compare the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from brandkit.choices import AuditVerb, MembershipRole
from brandkit.image_compare import perceptual_distance
from brandkit.selectors import brand_role
from brandkit.services.audit import audit_record
from projects.choices import GenerationStatus
from projects.exceptions import BudgetExceeded, GenerationRefused
from projects.models import AssetVersion, Campaign, Generation, Reproduction
from projects.services.generation_requests import campaign_committed_spend

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from projects.services.outputs import StoredOutput

REPRODUCER_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER, MembershipRole.REVIEWER}


def reproduction_request(*, version: AssetVersion, user: AbstractBaseUser) -> Reproduction:
    """Queue the version's exact stored payload again as a new generation that records what
    it reproduces. Budget rules apply as for any generation."""
    from projects.services.generation_runs import enqueue_generation

    original = version.generation
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update()
            .select_related("brand")
            .get(pk=original.campaign_id)
        )
        if brand_role(user=user, brand=campaign.brand) not in REPRODUCER_ROLES:
            raise GenerationRefused("Only members who work on this brand can reproduce.")
        if campaign_committed_spend(campaign) + original.estimated_cost > campaign.budget:
            raise BudgetExceeded("Reproducing this would take the campaign past its budget.")
        generation = Generation.objects.create(
            campaign=campaign,
            mode=original.mode,
            provider=original.provider,
            model=original.model,
            poster_template_id=original.poster_template_id,
            reference_pack_id=original.reference_pack_id,
            source_version=version,
            is_reproduction=True,
            slot_values=original.slot_values,
            prompt=original.prompt,
            parameters=original.parameters,
            payload=original.payload,
            payload_sha256=original.payload_sha256,
            expected_images=original.expected_images,
            status=GenerationStatus.QUEUED,
            # A fresh run: the original's attempts (and any retries a person granted) were its own.
            max_attempts=settings.GENERATION_MAX_ATTEMPTS,
            estimated_cost=original.estimated_cost,
            queued_at=timezone.now(),
            requested_by=user,
        )
        reproduction = Reproduction.objects.create(
            version=version, generation=generation, requested_by=user
        )
        audit_record(
            brand_id=campaign.brand_id,
            verb=AuditVerb.REPRODUCED,
            subject=version,
            actor=user,
            campaign_id=campaign.pk,
            asset_id=version.asset_id,
            version_id=version.pk,
            data={"generation": generation.pk, "payload_sha256": generation.payload_sha256},
        )
        enqueue_generation(generation)
    return reproduction


def reproduction_complete(*, generation: Generation, outputs: list[StoredOutput]) -> None:
    """Record how the reproduction came out. Runs inside the transaction finishing it."""
    reproduction = Reproduction.objects.select_related("version").get(generation=generation)
    version = reproduction.version
    match = next(
        (o for o in outputs if o.index == version.output_index), outputs[0] if outputs else None
    )
    reproduction.finished_at = timezone.now()
    if match is not None:
        reproduction.output_image = match.name
        reproduction.output_thumbnail = match.thumbnail_name
        reproduction.output_sha256 = match.sha256
        reproduction.is_identical = match.sha256 == version.image_sha256
        if reproduction.is_identical:
            reproduction.distance = 0.0
        else:
            with (
                default_storage.open(version.image.name, "rb") as original,
                default_storage.open(match.name, "rb") as again,
            ):
                reproduction.distance = perceptual_distance(original.read(), again.read())
    reproduction.save()
