"""The app's own 403/404/500 pages: in its style, saying what happened, revealing nothing."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_apps_404_without_the_url_list() -> None:
    client = Client()
    client.force_login(UserFactory(username="someone"))
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "Back to the dashboard" in page
    assert "URLconf" not in page and "brandkit.urls" not in page


def test_the_500_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")
    assert "Something went wrong" in page and "brandkit.css" in page
