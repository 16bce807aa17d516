"""Root URL configuration."""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns

from brandkit.views.media import media_file
from brandkit.views.operator_access import (
    superuser_or_api_token,
    superuser_required,
    view_on_site,
)

# The queue dashboard lists, requeues and deletes the jobs of every brand, so it is for platform
# operators only; a brand admin is staff too but must never see another brand's jobs. The stats
# API also answers the RQ_API_TOKEN bearer token, for monitoring.
api_urls = get_api_urlpatterns()
for pattern in api_urls:
    pattern.callback = superuser_or_api_token(pattern.callback)
queue_dashboard_urls = (
    api_urls + get_admin_urlpatterns(view_wrapper=superuser_required),
    "django_rq",
)

urlpatterns = [
    # Shadows the admin's own "view on site" route, which resolves any brand's object.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site, name="view_on_site"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("django-rq/", include(queue_dashboard_urls)),
    path("api/", include("api.urls")),
    path("account/tokens/", include("api.web_urls")),
    path("", include("projects.urls")),
    path("", include("brandkit.brand_urls")),
]

# Local media is served by the app in every mode (DEBUG or not): only content-addressed names,
# to signed-in users, with year-long cache headers (brandkit/views/media.py). On S3 the bucket
# serves it, so nothing is routed.
if not settings.AWS_STORAGE_BUCKET_NAME and settings.MEDIA_URL.startswith("/"):
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<name>.*)\Z", media_file, name="media_file"))
