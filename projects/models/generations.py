"""Generations: one request to one provider, with the exact payload sent and every attempt."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from brandkit.models.base import TimeStampedModel
from projects.choices import AttemptOutcome, GenerationMode, GenerationStatus


class GenerationBatch(TimeStampedModel):
    """One request that fanned out into many generations (N variants, or the rows of a CSV),
    tracked together for a batch progress bar, "retry failed" and "cancel remaining"."""

    campaign = models.ForeignKey(
        "projects.Campaign", on_delete=models.CASCADE, related_name="batches"
    )
    label = models.CharField(max_length=160)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class Generation(TimeStampedModel):
    """One request to one provider and everything needed to trace and reproduce it.

    `payload` is the exact JSON body sent, except that each reference image is a content-addressed
    pointer (`sha256:<hex>`) to an immutable stored file; `payload_sha256` hashes its canonical
    form. Status changes go through `projects.services.generations` only. `attempts` counts calls
    that may have reached the provider: a retry is never silent (see GenerationAttempt).
    """

    campaign = models.ForeignKey(
        "projects.Campaign", on_delete=models.PROTECT, related_name="generations"
    )
    batch = models.ForeignKey(
        "projects.GenerationBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generations",
    )
    mode = models.CharField(max_length=16, choices=GenerationMode.choices)
    provider = models.CharField(max_length=16)
    model = models.CharField(max_length=120)
    poster_template = models.ForeignKey(
        "brandkit.PosterTemplate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generations",
    )
    reference_pack = models.ForeignKey(
        "brandkit.ReferencePack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generations",
    )
    source_version = models.ForeignKey(
        "projects.AssetVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_generations",
        help_text="The version edited (edit mode) or reproduced.",
    )
    is_reproduction = models.BooleanField(default=False)
    slot_values = models.JSONField(default=dict, blank=True)
    prompt = models.TextField()
    parameters = models.JSONField(default=dict, blank=True)
    payload = models.JSONField()
    payload_sha256 = models.CharField(max_length=64, db_index=True)
    expected_images = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16,
        choices=GenerationStatus.choices,
        default=GenerationStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=4)
    not_before = models.DateTimeField(
        null=True, blank=True, help_text="A retry waits until then (backoff, Retry-After)."
    )
    deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="A running generation past this is swept."
    )
    error_kind = models.CharField(max_length=32, blank=True)
    error_code = models.CharField(max_length=120, blank=True)
    error_message = models.TextField(blank=True)
    provider_request_id = models.CharField(max_length=200, blank=True)
    billed_images = models.PositiveSmallIntegerField(default=0)
    cost = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    estimated_cost = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    failed_outputs = models.JSONField(default=list, blank=True)
    response = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    provider_seconds = models.FloatField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="generations"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="projects_gen_status_queued"),
            # The campaign page's pages of generations, newest first.
            models.Index(
                fields=["campaign", "-created_at", "-id"], name="projects_gen_campaign_new"
            ),
            # Analytics and month spend pick a period by finish time, per campaign of a brand;
            # the columns they sum and rank come with it, so a year is read from the index
            # alone (an index-only scan) instead of from every wide generation row.
            models.Index(
                fields=[
                    "campaign",
                    "finished_at",
                    "provider",
                    "status",
                    "provider_seconds",
                    "cost",
                ],
                name="projects_gen_finished_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempts__lte=models.F("max_attempts")),
                name="%(app_label)s_%(class)s_attempts_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"Generation #{self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (GenerationStatus.QUEUED, GenerationStatus.RUNNING)


class GenerationAttempt(models.Model):
    """One call (or try) of a generation against its provider. A retry after a call that may have
    been billed is a new row, so nothing is retried silently."""

    generation = models.ForeignKey(
        "projects.Generation", on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(
        max_length=16, choices=AttemptOutcome.choices, default=AttemptOutcome.RUNNING
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error_kind = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    may_have_billed = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["generation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.generation} attempt {self.number}: {self.outcome}"
