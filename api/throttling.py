"""Per-token rate limit on Redis: a fixed one-minute window shared by every web process.

Over the limit the API answers 429 with Retry-After (the seconds left in the window). If Redis
is unreachable the request is let through: the limit protects capacity, and refusing every
call because the counter is down would be the bigger outage.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import redis
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from api.models import ApiToken
from projects.queue import get_connection

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


class TokenRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        limit = settings.API_RATE_LIMIT_PER_MINUTE
        token = request.auth
        if not limit or not isinstance(token, ApiToken):
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"brandkit:api:rate:{token.pk}:{window}"
        try:
            pipe = get_connection().pipeline()
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS + 5)
            count, _ = pipe.execute()
        except redis.RedisError:
            logger.warning("API rate limit counter unavailable; letting the request through")
            return True
        if int(count) <= limit:
            return True
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self) -> float | None:
        return math.ceil(self._wait) if self._wait is not None else None
