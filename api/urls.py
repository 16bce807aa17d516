"""The JSON API, version 1: /api/v1/..., its OpenAPI schema and docs."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from api.views import assets, audit, campaigns, generations, library, models_table
from api.views.base import not_found

app_name = "api"

router = SimpleRouter()
router.register("brands", library.BrandViewSet, basename="brand")
router.register("reference-packs", library.ReferencePackViewSet, basename="reference-pack")
router.register("poster-templates", library.PosterTemplateViewSet, basename="poster-template")
router.register("providers", library.ProviderViewSet, basename="provider")
router.register("models", models_table.ModelTableViewSet, basename="model")
router.register("campaigns", campaigns.CampaignViewSet, basename="campaign")
router.register("generations", generations.GenerationViewSet, basename="generation")
router.register("batches", generations.BatchViewSet, basename="batch")
router.register("assets", assets.AssetViewSet, basename="asset")
router.register("audit-events", audit.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script on the page.
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ answers with the API's JSON error body, not an HTML page.
    re_path(r"^", not_found),
]
