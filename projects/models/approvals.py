"""Review workflow: a brand's approval steps and the decisions taken on exact versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from projects.choices import Decision


class ApprovalStep(models.Model):
    """One step of a brand's approval chain ("Brand review", then "Legal"), in order.

    `reviewers` is the group that decides at this step; empty means every reviewer and admin of
    the brand. A brand without steps has one implicit step of that kind.
    """

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.CASCADE, related_name="approval_steps"
    )
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="approval_steps"
    )

    class Meta:
        ordering = ["brand", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand}: {self.position + 1}. {self.name}"


class Review(models.Model):
    """One decision on one exact version, at one step of one review round. Never changed."""

    asset = models.ForeignKey("projects.Asset", on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(
        "projects.AssetVersion", on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.PositiveIntegerField()
    step_position = models.PositiveSmallIntegerField(default=0)
    step_name = models.CharField(max_length=80, default="Review")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["asset", "decided_at"]
        # Analytics picks the assets decided in a period.
        indexes = [models.Index(fields=["decided_at"], name="projects_review_decided")]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "round", "step_position"],
                name="%(app_label)s_%(class)s_one_decision_per_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.version} by {self.decided_by}"


class ReviewOutcome(models.Model):
    """What one asset's review history says, kept beside it so the analytics page reads one row
    per asset decided in a period instead of every decision and version behind them.

    Derived data, never edited by hand: `projects.services.review_outcomes` rebuilds it from the
    asset's reviews after every decision, with the definitions of `projects.metrics`. Decisions
    and queue times never change once written, so neither does an outcome between decisions.
    """

    asset = models.OneToOneField(
        "projects.Asset", on_delete=models.CASCADE, primary_key=True, related_name="review_outcome"
    )
    # The asset's campaign, copied so a brand's or campaign's outcomes are read without a join.
    campaign = models.ForeignKey(
        "projects.Campaign", on_delete=models.CASCADE, related_name="review_outcomes"
    )
    # What made the first version judged (its generation's provider, pack and template): what
    # the first-pass tables group by, copied so they are counted without reading generations.
    first_provider = models.CharField(max_length=16)
    first_reference_pack = models.ForeignKey(
        "brandkit.ReferencePack", null=True, on_delete=models.PROTECT, related_name="+"
    )
    first_poster_template = models.ForeignKey(
        "brandkit.PosterTemplate", null=True, on_delete=models.PROTECT, related_name="+"
    )
    first_round_ended = models.BooleanField()
    passed_first_time = models.BooleanField()
    rounds_to_approval = models.PositiveIntegerField(null=True)
    approved_at = models.DateTimeField(null=True)
    # From the first queued generation behind any of the asset's versions to the approval.
    approval_seconds = models.FloatField(null=True)
    last_decided_at = models.DateTimeField()

    class Meta:
        # Analytics reads the outcomes of the assets decided in a period, per campaign.
        indexes = [
            models.Index(fields=["campaign", "last_decided_at"], name="projects_outcome_decided")
        ]

    def __str__(self) -> str:
        return f"Review outcome of asset {self.asset_id}"
