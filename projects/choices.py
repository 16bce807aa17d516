"""Choices of the campaign app, next to their rules."""

from __future__ import annotations

from django.db import models


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class Channel(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    LINKEDIN = "linkedin", "LinkedIn"
    DISPLAY = "display", "Display ads"
    PRINT = "print", "Print"
    WEB = "web", "Website"
    EMAIL = "email", "Email"


class GenerationMode(models.TextChoices):
    TEXT_TO_IMAGE = "text_to_image", "Text to image"
    EDIT = "edit", "Edit"
    GROUP = "group", "Group (consistent set)"


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partially succeeded"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


_G = GenerationStatus
# RUNNING -> QUEUED is a retry (transient error, or a sweep of a run whose worker died);
# FAILED -> QUEUED is "retry failed", a new attempt asked for by a person.
GENERATION_TRANSITIONS: dict[str, set[str]] = {
    _G.QUEUED: {_G.RUNNING, _G.CANCELED, _G.FAILED},
    _G.RUNNING: {_G.SUCCEEDED, _G.PARTIAL, _G.FAILED, _G.QUEUED, _G.CANCELED},
    _G.FAILED: {_G.QUEUED},
    _G.SUCCEEDED: set(),
    _G.PARTIAL: set(),
    _G.CANCELED: set(),
}
GENERATION_ACTIVE = frozenset({_G.QUEUED, _G.RUNNING})
GENERATION_FINISHED = frozenset({_G.SUCCEEDED, _G.PARTIAL, _G.FAILED, _G.CANCELED})


class AttemptOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partially succeeded"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed"
    LOST = "lost", "Worker lost (found by the sweep)"
    CANCELED = "canceled", "Canceled"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


R = ReviewStatus
# Submitting a version (first time, after changes were requested, after a rejection, or new work
# on an approved asset) puts the asset in review; decisions move it on.
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    R.DRAFT: {R.IN_REVIEW},
    R.IN_REVIEW: {R.IN_REVIEW, R.APPROVED, R.CHANGES_REQUESTED, R.REJECTED},
    R.CHANGES_REQUESTED: {R.IN_REVIEW},
    R.REJECTED: {R.IN_REVIEW},
    R.APPROVED: {R.IN_REVIEW},
}


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"


DECISION_OUTCOME = {
    Decision.REQUEST_CHANGES: ReviewStatus.CHANGES_REQUESTED,
    Decision.REJECT: ReviewStatus.REJECTED,
}
DECISIONS_NEEDING_COMMENT = frozenset({Decision.REQUEST_CHANGES, Decision.REJECT})


class CheckStatus(models.TextChoices):
    """The worst brand check result on a poster (`error`: no poster could be drawn)."""

    PASS = "pass", "Pass"
    WARN = "warn", "Warn"
    FAIL = "fail", "Fail"
    ERROR = "error", "No poster"


class WebhookEvent(models.TextChoices):
    GENERATION_SUCCEEDED = "generation.succeeded", "Generation succeeded"
    GENERATION_FAILED = "generation.failed", "Generation failed"
    ASSET_SUBMITTED = "asset.submitted", "Asset submitted for review"
    REVIEW_DECIDED = "review.decided", "Review decided"
    ASSET_APPROVED = "asset.approved", "Asset approved"
    EXPORT_READY = "export.ready", "Export ready"


# A "send test event" delivery; not something an endpoint subscribes to.
WEBHOOK_TEST_EVENT = "webhook.test"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed (gave up)"
