"""Guards for the operator-facing routes Django and django-rq provide, which know nothing of brands.

- The queue dashboard and its stats API list every brand's jobs: superusers only, or a caller with
  the `RQ_API_TOKEN` bearer token (monitoring). django-rq itself lets any staff user in, and a
  brand admin is staff.
- The admin's "view on site" shortcut (`/admin/r/<content type>/<id>/`) resolves any object for any
  staff user; the shadow route below answers only for objects of a brand the user administers,
  with the same 404 as for a missing object otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpRequest, HttpResponse

from brandkit.selectors import brand_ids_administered_by

# How to get from each model with a page ("view on site") to its brand's id.
VIEW_ON_SITE_BRAND_PATHS: dict[str, str] = {
    "brandkit.brand": "pk",
    "brandkit.referencepack": "brand_id",
    "brandkit.postertemplate": "brand_id",
    "projects.campaign": "brand_id",
    "projects.asset": "campaign__brand_id",
}

superuser_required = user_passes_test(
    lambda user: user.is_active and user.is_superuser, login_url="admin:login"
)


def superuser_or_api_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-rq's API views let in any staff session or the bearer token; keep the token and
    narrow the session to superusers by showing them everyone else as anonymous."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_active and request.user.is_superuser):
            request.user = AnonymousUser()
        return view(request, *args, **kwargs)

    return wrapped


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """Django's shortcut, for superusers, or staff administering the object's brand."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404("No such object.")
    if not user.is_superuser:
        try:
            content_type = ContentType.objects.get_for_id(int(content_type_id))
        except (ContentType.DoesNotExist, ValueError) as error:
            raise Http404("No such object.") from error
        brand_path = VIEW_ON_SITE_BRAND_PATHS.get(f"{content_type.app_label}.{content_type.model}")
        model = content_type.model_class()
        if brand_path is None or model is None:
            raise Http404("No such object.")
        try:
            brand_id = model._default_manager.values_list(brand_path, flat=True).get(pk=object_id)
        except (model.DoesNotExist, ValueError) as error:
            raise Http404("No such object.") from error
        if brand_id not in brand_ids_administered_by(user=user):
            raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)
