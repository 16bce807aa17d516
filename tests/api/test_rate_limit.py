"""Per-token rate limit: 429 with Retry-After past the limit, counted per token in Redis."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import World


def test_429_with_retry_after_past_the_limit(world: World, settings: Any) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    client = world.client("a_marketer")
    codes = [client.get("/api/v1/brands/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/brands/")
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same user has its own budget.
    assert world.client("a_marketer_read").get("/api/v1/brands/").status_code == 200
