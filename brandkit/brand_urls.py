"""URLs of the brand library pages."""

from django.urls import path

from brandkit.views import brands, reference_pack_images, reference_packs, template_designer

app_name = "brandkit"
urlpatterns = [
    path("brands/", brands.brand_list, name="brand_list"),
    path("brands/<slug:slug>/", brands.brand_detail, name="brand_detail"),
    path(
        "brands/<slug:slug>/packs/new/",
        reference_packs.reference_pack_create_view,
        name="reference_pack_create",
    ),
    path("packs/<int:pk>/", reference_packs.reference_pack_detail, name="reference_pack_detail"),
    path(
        "packs/<int:pk>/images/",
        reference_pack_images.reference_pack_image_add,
        name="reference_pack_image_add",
    ),
    path(
        "packs/<int:pk>/images/<int:image_pk>/remove/",
        reference_pack_images.reference_pack_image_remove,
        name="reference_pack_image_remove",
    ),
    path(
        "packs/<int:pk>/images/<int:image_pk>/caption/",
        reference_pack_images.reference_pack_image_caption,
        name="reference_pack_image_caption",
    ),
    path(
        "packs/<int:pk>/images/<int:image_pk>/move/",
        reference_pack_images.reference_pack_image_move,
        name="reference_pack_image_move",
    ),
    path(
        "packs/<int:pk>/reorder/",
        reference_pack_images.reference_pack_reorder_view,
        name="reference_pack_reorder",
    ),
    path(
        "packs/<int:pk>/publish/",
        reference_packs.reference_pack_publish_view,
        name="reference_pack_publish",
    ),
    path(
        "packs/<int:pk>/new-version/",
        reference_packs.reference_pack_new_version_view,
        name="reference_pack_new_version",
    ),
    path("templates/<int:pk>/", brands.poster_template_detail, name="poster_template_detail"),
    path(
        "brands/<slug:slug>/templates/new/",
        template_designer.template_create_view,
        name="poster_template_create",
    ),
    path("templates/<int:pk>/design/", template_designer.template_design, name="template_design"),
    path(
        "templates/<int:pk>/design/preview.png",
        template_designer.template_design_preview,
        name="template_design_preview",
    ),
    path(
        "templates/<int:pk>/publish/",
        template_designer.template_publish_view,
        name="template_publish",
    ),
    path(
        "templates/<int:pk>/new-version/",
        template_designer.template_new_version_view,
        name="template_new_version",
    ),
]
