"""URLs of the campaign pages."""

from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
]
