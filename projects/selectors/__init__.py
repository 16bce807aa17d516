"""Reads of the campaign app: campaigns and generations, reviewing, the dashboard, analytics."""

from projects.selectors.analytics import (
    AnalyticsScope,
    BrandAnalytics,
    analytics_brands,
    analytics_scope_for_user,
    brand_analytics,
)
from projects.selectors.asset_search import campaign_asset_search, campaign_version_search
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
    "AnalyticsScope",
    "BrandAnalytics",
    "CampaignCard",
    "DashboardCampaigns",
    "MonthSpend",
    "Spend",
    "analytics_brands",
    "analytics_scope_for_user",
    "approved_versions_for_export",
    "asset_get_for_user",
    "asset_reviews",
    "audit_events",
    "batch_progress",
    "brand_analytics",
    "campaign_asset_search",
    "campaign_generations",
    "campaign_generations_changed",
    "campaign_get_for_user",
    "campaign_list_for_user",
    "campaign_spend",
    "campaign_version_search",
    "dashboard_campaigns",
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
