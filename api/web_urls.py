"""Web pages of the API app: the personal token page under /account/tokens/."""

from __future__ import annotations

from django.urls import path

from api.views import token_pages

app_name = "api_tokens"
urlpatterns = [
    path("", token_pages.token_list, name="token_list"),
    path("<int:pk>/revoke/", token_pages.token_revoke_view, name="token_revoke"),
]
