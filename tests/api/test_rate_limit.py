"""Per-token rate limit: 429 with Retry-After past the limit, counted per token in Redis."""

from __future__ import annotations

from typing import Any

import pytest

from api import throttling
from tests.api.conftest import World


class _MidMinute:
    """The throttle's clock, 30 s into a window: the requests cannot straddle two windows (the
    test failed when the minute turned between its fourth and fifth request)."""

    @staticmethod
    def time() -> float:
        return 1_800_000_030.0


def test_429_with_retry_after_past_the_limit(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttling, "time", _MidMinute)
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    client = world.client("a_marketer")
    codes = [client.get("/api/v1/brands/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/brands/")
    assert response.json()["code"] == "rate_limited"
    assert response["Retry-After"] == "30"  # the rest of the window
    # Another token of the same user has its own budget.
    assert world.client("a_marketer_read").get("/api/v1/brands/").status_code == 200
