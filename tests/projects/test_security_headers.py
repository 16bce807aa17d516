"""Every page carries the CSP and friends, and no page has an inline script or on* handler."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.projects.review_support import inline_queue  # noqa: F401
from tests.projects.test_authorization_matrix import ROUTES, build_world, path_of
from tests.projects.test_hostile_names import admin_pages

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]


class InlineCode(HTMLParser):
    """Collects inline scripts and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:...>")
        # JSON data blocks are not executed; any other inline script is.
        data_block = (names.get("type") or "").lower() in (
            "application/json",
            "application/ld+json",
        )
        if tag == "script" and "src" not in names and not data_block:
            self.found.append("<script> without src")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_parser_finds_what_it_must() -> None:
    assert inline_code('<button onclick="x()">') == ["<button onclick=...>"]
    assert inline_code("<script>alert(1)</script>") == ["<script> without src"]
    assert inline_code('<script src="/static/js/a.js"></script>') == []
    assert inline_code('<script type="application/json">{}</script>') == []
    assert inline_code('<a href="javascript:void(0)">') == ["<a href=javascript:...>"]


def test_every_page_has_the_headers_and_no_inline_script(media_root: Any) -> None:
    world = build_world("Acme", "acme")
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    pages = admin_pages() + [
        path_of(route, world)
        for route in ROUTES
        if route.method == "GET" and route.name not in {"media_file", "view_on_site"}
    ]
    pages += ["/admin/login/", "/no-such-page/"]
    failures = []
    for page in pages:
        response = client.get(page, follow=True)
        policy = response.get("Content-Security-Policy", "")
        script_src = re.search(r"script-src ([^;]*)", policy)
        if not script_src or "'unsafe-inline'" in script_src[1] or "'unsafe-eval'" in script_src[1]:
            failures.append(f"{page}: script-src is {script_src and script_src[1]!r}")
        if not response.get("Permissions-Policy") or not response.get("Referrer-Policy"):
            failures.append(f"{page}: Permissions-Policy or Referrer-Policy missing")
        if response.get("Content-Type", "").startswith("text/html"):
            found = inline_code(response.content.decode())
            if found:
                failures.append(f"{page}: {sorted(set(found))}")
    anonymous = Client().get("/accounts/login/")
    if inline_code(anonymous.content.decode()):
        failures.append("/accounts/login/ has inline code")
    assert not failures, "\n".join(failures)
