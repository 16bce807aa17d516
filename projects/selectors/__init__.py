"""Reads of the campaign app: campaigns and generations, reviewing, the dashboard, analytics."""

from projects.selectors.analytics import BrandAnalytics, brand_analytics
from projects.selectors.asset_search import (
    brand_asset_search,
    campaign_asset_search,
    campaign_version_search,
)
from projects.selectors.brand_scope import BrandScope, brand_scope_for_user, member_brands
from projects.selectors.campaigns import (
    Spend,
    approved_versions_for_export,
    asset_get_for_user,
    batch_progress,
    campaign_generations,
    campaign_generations_changed,
    campaign_get_for_user,
    campaign_list_for_user,
    campaign_spend,
    queue_positions,
)
from projects.selectors.dashboard import (
    CampaignCard,
    DashboardCampaigns,
    MonthSpend,
    dashboard_campaigns,
    month_spend_by_brand,
    recent_generations,
)
from projects.selectors.reviews import (
    asset_reviews,
    audit_events,
    pending_review_count,
    review_inbox,
    review_inbox_items,
    review_inbox_queryset,
    version_poster,
    version_references,
)

__all__ = [
    "BrandAnalytics",
    "BrandScope",
    "CampaignCard",
    "DashboardCampaigns",
    "MonthSpend",
    "Spend",
    "approved_versions_for_export",
    "asset_get_for_user",
    "asset_reviews",
    "audit_events",
    "batch_progress",
    "brand_analytics",
    "brand_asset_search",
    "brand_scope_for_user",
    "campaign_asset_search",
    "campaign_generations",
    "campaign_generations_changed",
    "campaign_get_for_user",
    "campaign_list_for_user",
    "campaign_spend",
    "campaign_version_search",
    "dashboard_campaigns",
    "member_brands",
    "month_spend_by_brand",
    "pending_review_count",
    "queue_positions",
    "recent_generations",
    "review_inbox",
    "review_inbox_items",
    "review_inbox_queryset",
    "version_poster",
    "version_references",
]
