"""URLs of the campaign pages."""

from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/progress.json", views.campaign_progress, name="campaign_progress"),
    path(
        "generations/<int:pk>/<str:action>/",
        views.generation_control,
        name="generation_control",
    ),
    path("batches/<int:pk>/<str:action>/", views.batch_control, name="batch_control"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
]
