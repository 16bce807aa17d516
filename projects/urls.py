"""URLs of the campaign pages."""

from django.urls import path

from projects.views import (
    analytics,
    assets,
    audit,
    campaigns,
    csv_batches,
    dashboard,
    exports,
    library,
    models,
    reviews,
    webhooks,
)

app_name = "projects"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path(
        "dashboard/generations.json",
        dashboard.dashboard_generations,
        name="dashboard_generations",
    ),
    path("models/", models.model_list, name="model_list"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/progress.json", campaigns.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/versions.json", campaigns.campaign_versions, name="campaign_versions"),
    path(
        "generations/<int:pk>/<str:action>/",
        campaigns.generation_control,
        name="generation_control",
    ),
    path("batches/<int:pk>/<str:action>/", campaigns.batch_control, name="batch_control"),
    path("assets/<int:pk>/", assets.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/status.json", assets.asset_status, name="asset_status"),
    path("assets/<int:pk>/submit/", assets.asset_submit, name="asset_submit"),
    path("assets/<int:pk>/decide/", assets.asset_decide, name="asset_decide"),
    path("assets/<int:pk>/edit/", assets.asset_edit, name="asset_edit"),
    path("assets/<int:pk>/compare/", assets.asset_compare, name="asset_compare"),
    path("assets/<int:pk>/export.zip", exports.asset_export, name="asset_export"),
    path("campaigns/<int:pk>/export.zip", exports.campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/csv-batch/", csv_batches.csv_batch_upload, name="csv_batch_upload"),
    path(
        "campaigns/<int:pk>/csv-batch/template-<int:template_pk>.csv",
        csv_batches.csv_batch_template,
        name="csv_batch_template",
    ),
    path(
        "assets/<int:pk>/versions/<int:number>/reproduce/",
        assets.version_reproduce,
        name="version_reproduce",
    ),
    path("reviews/", reviews.review_inbox_page, name="review_inbox"),
    path("brands/<slug:slug>/audit/", audit.audit_log, name="audit_log"),
    path("brands/<slug:slug>/audit.csv", audit.audit_log_csv, name="audit_log_csv"),
    path("brands/<slug:slug>/webhooks/", webhooks.webhook_list, name="webhook_list"),
    path("brands/<slug:slug>/webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook_detail"),
    path("brands/<slug:slug>/webhooks/<int:pk>/test/", webhooks.webhook_test, name="webhook_test"),
    path(
        "brands/<slug:slug>/webhooks/<int:pk>/delete/",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path("library/", library.library_index, name="library_index"),
    path("brands/<slug:slug>/assets/", library.brand_library, name="brand_library"),
    path("analytics/", analytics.analytics_index, name="analytics_index"),
    path("brands/<slug:slug>/analytics/", analytics.brand_analytics_page, name="brand_analytics"),
]
