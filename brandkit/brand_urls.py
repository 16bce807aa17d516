"""URLs of the brand library pages."""

from django.urls import path

from brandkit import views

app_name = "brandkit"
urlpatterns = [
    path("", views.brand_list, name="brand_list"),
    path("brands/<slug:slug>/", views.brand_detail, name="brand_detail"),
    path("packs/<int:pk>/", views.reference_pack_detail, name="reference_pack_detail"),
    path("templates/<int:pk>/", views.poster_template_detail, name="poster_template_detail"),
]
