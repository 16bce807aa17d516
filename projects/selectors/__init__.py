"""Reads of the campaign app: campaigns and generations, and reviewing."""

from projects.selectors.campaigns import (
    Spend,
    asset_get_for_user,
    batch_progress,
    campaign_assets,
    campaign_generations,
    campaign_get_for_user,
    campaign_list_for_user,
    campaign_spend,
    queue_positions,
)
from projects.selectors.reviews import (
    asset_reviews,
    audit_events,
    pending_review_count,
    review_inbox,
)

__all__ = [
    "Spend",
    "asset_get_for_user",
    "asset_reviews",
    "audit_events",
    "batch_progress",
    "campaign_assets",
    "campaign_generations",
    "campaign_get_for_user",
    "campaign_list_for_user",
    "campaign_spend",
    "pending_review_count",
    "queue_positions",
    "review_inbox",
]
