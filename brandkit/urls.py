"""Root URL configuration."""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import user_passes_test
from django.urls import include, path, re_path
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns

from brandkit.views.media import media_file

# The queue dashboard lists, requeues and deletes the jobs of every brand, so it is for platform
# operators only; a brand admin is staff too but must never see another brand's jobs.
superuser_required = user_passes_test(
    lambda user: user.is_active and user.is_superuser, login_url="admin:login"
)
queue_dashboard_urls = (
    get_api_urlpatterns() + get_admin_urlpatterns(view_wrapper=superuser_required),
    "django_rq",
)

urlpatterns = [
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
