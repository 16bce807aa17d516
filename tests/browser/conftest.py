"""Fixtures of the browser tests: Debian's Chromium driven by Playwright against a live server.

The browser is `/usr/bin/chromium` from the distribution package (bin/test installs it in CI
containers); Playwright never downloads one. Without it these tests skip locally and fail in CI
(BRANDKIT_REQUIRE_SERVICES=1), like the other service-backed tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    # Without these Chromium keeps calling Google services, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000
DEMO_PASSWORDS = {
    "demo-admin": "demo-admin-pass",
    "demo-marketer": "demo-marketer-pass",
    "demo-reviewer": "demo-reviewer-pass",
}


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}; CI must run the browser tests (bin/test installs chromium).")
    pytest.skip(reason)


@pytest.fixture(scope="package", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    """Let the ORM run in this thread while Playwright is active.

    Playwright's sync API keeps an asyncio loop marked as running in this thread, so Django's
    async-safety check would refuse the ORM calls of fixtures and tests with
    SynchronousOnlyOperation. Nothing here runs ORM code concurrently with that loop; the
    pytest-playwright docs for Django say to set this flag. It is set for this package only:
    `check --deploy` (run by other tests) rightly refuses it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for all the browser tests, closed (with Playwright's loop) when
    they are done so the rest of the suite runs without it."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_settings(settings: Any, redis_url: str, tmp_path: Path) -> Any:
    """What the live server runs with: jobs run in process right after their request commits
    (so a generation has finished when the page that queued it comes back), media in a temp
    folder, and the provider rate limiter on the test Redis."""
    settings.BRANDKIT_QUEUE_MODE = "inline"
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def demo(live_server: Any, live_settings: Any) -> None:
    """The demo brand, library, campaign and users of `manage.py load_demo`.

    The command refuses to run with DEBUG off (it makes users with known passwords), so DEBUG is
    on only around it; the live server itself runs with DEBUG off, as in production.
    """
    with override_settings(DEBUG=True):
        call_command("load_demo", "--quiet-logins", stdout=StringIO())


@pytest.fixture
def context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies) on the live server."""
    browser_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    browser_context.set_default_timeout(TIMEOUT_MS)
    yield browser_context
    browser_context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def log_in(page: Any, username: str, password: str | None = None) -> None:
    """Log in through the login form (logging out first if someone is logged in)."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".logout")).to_contain_text(re.compile(r"\w"))


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as test-artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
