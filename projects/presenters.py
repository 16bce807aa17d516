"""Plain-data views of domain objects for pages and JSON (no queries of their own beyond the
one queue-position lookup)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator

from projects.choices import GenerationStatus
from projects.models import Generation
from projects.selectors import queue_positions

S = GenerationStatus
PROGRESS_PERCENT = {S.QUEUED: 5, S.RUNNING: 50}


def generation_progress_rows(generations: list[Generation]) -> list[dict[str, Any]]:
    positions = queue_positions(generations)
    rows = []
    for generation in generations:
        versions = list(generation.versions.all())
        rows.append(
            {
                "id": generation.pk,
                "status": generation.status,
                "status_label": generation.get_status_display(),
                "is_active": generation.is_active,
                "percent": PROGRESS_PERCENT.get(generation.status, 100),
                "queue_position": positions.get(generation.pk),
                "mode": generation.get_mode_display(),
                "provider": generation.provider,
                "prompt": Truncator(generation.prompt).chars(160),
                "attempts": generation.attempts,
                "expected_images": generation.expected_images,
                "images": len(versions),
                "error": generation.error_message,
                "retry_at": generation.not_before.isoformat() if generation.not_before else None,
                "batch_id": generation.batch_id,
                "cost": str(generation.cost),
                "outputs": [
                    {
                        "thumbnail": version.thumbnail.url,
                        "url": reverse("projects:asset_detail", args=[version.asset_id]),
                    }
                    for version in versions
                ],
                "can_cancel": generation.status in (S.QUEUED, S.RUNNING),
                "can_retry": generation.status == S.FAILED,
            }
        )
    return rows


def dashboard_generation_rows(generations: list[Generation]) -> list[dict[str, Any]]:
    """Progress rows (as on the campaign page) that also say which brand and campaign each
    generation belongs to; the generations must come with `campaign__brand` selected."""
    by_id = {generation.pk: generation for generation in generations}
    rows = generation_progress_rows(generations)
    for row in rows:
        campaign = by_id[row["id"]].campaign
        row["campaign"] = campaign.name
        row["campaign_url"] = campaign.get_absolute_url() + "#progress"
        row["brand"] = campaign.brand.name
    return rows
