"""URLs of the brand library pages."""

from django.urls import path

from brandkit import views

app_name = "brandkit"
urlpatterns = [
    path("", views.brand_list, name="brand_list"),
]
