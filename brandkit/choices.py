"""Choices of the brand library, next to the rules that go with them."""

from __future__ import annotations

from django.db import models


class BrandStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Brand admin"
    MARKETER = "marketer", "Marketer"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class VersionStatus(models.TextChoices):
    """Lifecycle of a reference pack or poster template version.

    A published version is immutable; changing it means a new draft version (n + 1).
    """

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


VERSION_TRANSITIONS = {
    VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: {VersionStatus.ARCHIVED},
    VersionStatus.ARCHIVED: set(),
}


class PackPurpose(models.TextChoices):
    CHARACTER = "character", "Character"
    PRODUCT = "product", "Product"
    STYLE = "style", "Style"
    LAYOUT = "layout", "Layout"


class ColorRole(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ACCENT = "accent", "Accent"
    BACKGROUND = "background", "Background"
    TEXT = "text", "Text"


class FontRole(models.TextChoices):
    HEADING = "heading", "Heading"
    BODY = "body", "Body"
    ACCENT = "accent", "Accent"


class LogoVariant(models.TextChoices):
    PRIMARY = "primary", "Primary"
    MONO = "mono", "Monochrome"
    INVERSE = "inverse", "Inverse (for dark backgrounds)"
    ICON = "icon", "Icon"


class TextAlignment(models.TextChoices):
    LEFT = "left", "Left"
    CENTER = "center", "Centre"
    RIGHT = "right", "Right"


class LogoAnchor(models.TextChoices):
    """Where the logo sits inside its box, and which point of the box stays put when an export
    preset re-lays the template out."""

    TOP_LEFT = "top-left", "Top left"
    TOP = "top", "Top"
    TOP_RIGHT = "top-right", "Top right"
    LEFT = "left", "Left"
    CENTER = "center", "Centre"
    RIGHT = "right", "Right"
    BOTTOM_LEFT = "bottom-left", "Bottom left"
    BOTTOM = "bottom", "Bottom"
    BOTTOM_RIGHT = "bottom-right", "Bottom right"


class TextRendering(models.TextChoices):
    """How a template's text gets onto the poster."""

    OVERLAY = "overlay", "Drawn by Brandkit with the brand fonts (exact)"
    PROMPT = "prompt", "Written into the prompt for the model to render"


class ProviderName(models.TextChoices):
    LOCAL = "local", "Local preview renderer"
    ARK = "ark", "BytePlus ModelArk"
    FAL = "fal", "fal.ai"
    OPENAI = "openai", "OpenAI-compatible aggregator"


class AuditVerb(models.TextChoices):
    """Every state change worth a line in the audit log."""

    GENERATION_QUEUED = "generation_queued", "Generation queued"
    GENERATION_SUCCEEDED = "generation_succeeded", "Generation succeeded"
    GENERATION_PARTIAL = "generation_partial", "Generation partially succeeded"
    GENERATION_FAILED = "generation_failed", "Generation failed"
    GENERATION_RETRYING = "generation_retrying", "Generation will retry"
    GENERATION_CANCELED = "generation_canceled", "Generation canceled"
    GENERATION_REQUEUED = "generation_requeued", "Generation queued again"
    SUBMITTED = "submitted", "Submitted for review"
    STEP_APPROVED = "step_approved", "Review step approved"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    LOCKED = "locked", "Version locked"
    REPRODUCED = "reproduced", "Reproduction queued"
    PACK_PUBLISHED = "pack_published", "Reference pack published"
    PACK_ARCHIVED = "pack_archived", "Reference pack archived"
    TEMPLATE_PUBLISHED = "template_published", "Poster template published"
    TEMPLATE_ARCHIVED = "template_archived", "Poster template archived"
    EXPORTED = "exported", "Export produced"
    ADMIN_ADDED = "admin_added", "Added in the admin"
    ADMIN_CHANGED = "admin_changed", "Changed in the admin"
    ADMIN_DELETED = "admin_deleted", "Deleted in the admin"
