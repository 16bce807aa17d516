"""Per-provider rate limits shared by every worker through Redis.

Paid image providers enforce account-wide limits (requests in flight, images per minute). RQ
workers run in several processes and maybe on several machines, so the limit has to be counted in
one place: Redis. A worker calls `ProviderLimiter.try_acquire` before it calls the provider and
`release` when the call is over. When the limiter refuses, the worker waits the number of seconds
it returns and tries again, so a burst of requests queues on our side instead of drawing 429s.

Redis keys for a provider (all under `brandkit:ratelimit:<provider>:`):

- `leases`: sorted set, lease id -> time the lease expires. The members are the requests in
  flight. A lease expires by itself, so a worker killed with SIGKILL frees its slot after
  `lease_seconds` at the latest.
- `images`: sorted set, lease id -> time the request started, for the requests started in the last
  60 seconds.
- `image_counts`: hash, lease id -> number of images that request asked for.
- `freed`: list, one token pushed per `release`, so a caller waiting for a slot can block on it
  (`wait_for_release`) instead of polling; trimmed to the concurrency limit, expiring when idle.

The image window is exact: each request counts its images at the moment it was allowed, and it
stops counting exactly 60 seconds later. There are no buckets and no approximation, so a refused
request is told exactly how long until enough of the window frees up. The cost is memory for one
entry per request started in the last minute, which is small (an Ark account allows 500 images a
minute). The counts live in a hash keyed by lease id, rather than inside the sorted-set member, so
a re-acquire can find its own entry with one lookup whatever `images` it passes.

Every key gets a TTL on each write, so the keys of an idle provider vanish by themselves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import redis

KEY_PREFIX = "brandkit:ratelimit"
WINDOW_SECONDS = 60.0
# A refused caller never gets less than this, so a loop of try_acquire/sleep cannot spin.
MIN_RETRY_SECONDS = 0.5
# A slot is freed by `release`, which nobody can predict, so a caller refused for concurrency is
# told to try again this soon (or sooner, when the oldest lease expires before that).
CONCURRENCY_RETRY_SECONDS = 1.0
# Keys outlive their newest entry by this margin, to cover clock differences between workers.
KEY_TTL_MARGIN_SECONDS = 60.0

# KEYS: leases, images, image_counts.
# ARGV: now, lease_id, images, lease_seconds, max_concurrent, images_per_minute, window,
#       min_retry, concurrency_retry, key_ttl_margin.
# Returns "0" when acquired, else the seconds to wait as a string: Redis would truncate a Lua
# number reply to an integer. Numbers passed to redis.call keep full precision (Redis formats them
# with round-trip precision, not with Lua's own 14-digit tostring).
_ACQUIRE_SCRIPT = """
local leases, window_images, image_counts = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local lease_id = ARGV[2]
local images = tonumber(ARGV[3])
local lease_seconds = tonumber(ARGV[4])
local max_concurrent = tonumber(ARGV[5])
local images_per_minute = tonumber(ARGV[6])
local window = tonumber(ARGV[7])
local min_retry = tonumber(ARGV[8])
local concurrency_retry = tonumber(ARGV[9])
local key_ttl_margin = tonumber(ARGV[10])

local function refresh_ttl()
    local ttl = window
    local newest = redis.call('ZRANGE', leases, -1, -1, 'WITHSCORES')
    if #newest > 0 then ttl = math.max(ttl, tonumber(newest[2]) - now) end
    local milliseconds = math.ceil((ttl + key_ttl_margin) * 1000)
    redis.call('PEXPIRE', leases, milliseconds)
    redis.call('PEXPIRE', window_images, milliseconds)
    redis.call('PEXPIRE', image_counts, milliseconds)
end

-- Forget expired leases (killed workers) and requests that have left the image window.
redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
local window_start = now - window
local gone = redis.call('ZRANGEBYSCORE', window_images, '-inf', window_start)
-- HDEL in chunks: unpack() of thousands of values would overflow the Lua stack.
for first = 1, #gone, 500 do
    redis.call('HDEL', image_counts, unpack(gone, first, math.min(first + 499, #gone)))
end
redis.call('ZREMRANGEBYSCORE', window_images, '-inf', window_start)

-- Idempotent re-acquire: the lease is held already, so only push its expiry forward.
local expires = redis.call('ZSCORE', leases, lease_id)
if expires then
    redis.call('ZADD', leases, math.max(tonumber(expires), now + lease_seconds), lease_id)
    refresh_ttl()
    return '0'
end

local refused = false
local wait = 0
if max_concurrent > 0 and redis.call('ZCARD', leases) >= max_concurrent then
    refused = true
    local oldest = redis.call('ZRANGE', leases, 0, 0, 'WITHSCORES')
    wait = math.min(tonumber(oldest[2]) - now, concurrency_retry)
end

-- A lease id whose images are still in the window (released or expired, then re-acquired)
-- does not count them twice.
local counted = redis.call('HEXISTS', image_counts, lease_id) == 1
if images_per_minute > 0 and not counted then
    local used = 0
    for _, count in ipairs(redis.call('HVALS', image_counts)) do used = used + tonumber(count) end
    -- An empty window always admits the request, even one asking for more than the limit:
    -- otherwise such a request could never run.
    if used > 0 and used + images > images_per_minute then
        refused = true
        -- Walk the window oldest first until what is left, plus this request, fits.
        local free_at = now + window
        local left = used
        local entries = redis.call('ZRANGE', window_images, 0, -1, 'WITHSCORES')
        for index = 1, #entries, 2 do
            left = left - tonumber(redis.call('HGET', image_counts, entries[index]) or 0)
            if left <= 0 or left + images <= images_per_minute then
                free_at = tonumber(entries[index + 1]) + window
                break
            end
        end
        wait = math.max(wait, free_at - now)
    end
end

if refused then return tostring(math.max(wait, min_retry)) end

redis.call('ZADD', leases, now + lease_seconds, lease_id)
if not counted then
    redis.call('ZADD', window_images, now, lease_id)
    redis.call('HSET', image_counts, lease_id, images)
end
refresh_ttl()
return '0'
"""

# KEYS: leases, images, image_counts. ARGV: now, lease_seconds, key_ttl_margin, lease ids...
# Pushes each lease that is still held to now + lease_seconds; a lease that already expired (or
# vanished with a Redis restart) is not brought back. Returns how many leases were renewed.
_RENEW_SCRIPT = """
local leases = KEYS[1]
local now = tonumber(ARGV[1])
local lease_seconds = tonumber(ARGV[2])
local key_ttl_margin = tonumber(ARGV[3])
local renewed = 0
for index = 4, #ARGV do
    local expires = redis.call('ZSCORE', leases, ARGV[index])
    if expires and tonumber(expires) > now then
        redis.call('ZADD', leases, math.max(tonumber(expires), now + lease_seconds), ARGV[index])
        renewed = renewed + 1
    end
end
if renewed > 0 then
    local milliseconds = math.ceil((lease_seconds + key_ttl_margin) * 1000)
    for _, key in ipairs(KEYS) do
        if redis.call('PTTL', key) < milliseconds then redis.call('PEXPIRE', key, milliseconds) end
    end
end
return renewed
"""


@dataclass(frozen=True)
class ProviderLimits:
    """The limits one provider account enforces; 0 means unlimited."""

    max_concurrent: int  # requests in flight at once, across all workers
    images_per_minute: int  # images started per rolling 60 s window

    def __post_init__(self) -> None:
        for name in ("max_concurrent", "images_per_minute"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0 (0 = unlimited), got {value!r}")


UNLIMITED = ProviderLimits(max_concurrent=0, images_per_minute=0)


def limits_for(provider: str) -> ProviderLimits:
    """The limits for `provider` from settings.PROVIDER_LIMITS; unlimited when it is not listed.

    Raises ImproperlyConfigured when the provider's entry holds a negative or non-integer value.
    """
    entry = getattr(settings, "PROVIDER_LIMITS", {}).get(provider)
    if entry is None:
        return UNLIMITED
    try:
        return ProviderLimits(
            max_concurrent=entry.get("max_concurrent", 0),
            images_per_minute=entry.get("images_per_minute", 0),
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"PROVIDER_LIMITS[{provider!r}]: {exc}") from exc


class ProviderLimiter:
    """Concurrency and images-per-minute limits for one provider, shared through Redis.

    Thread-safe and cheap to build: it holds no state of its own besides the connection. All
    workers must use the same limits for a provider; each call enforces the limits it was built
    with. There is no queue order: when a slot frees up, whichever waiting worker asks first gets
    it.

    The time comes from `clock`, passed into the Lua script, rather than from Redis TIME, so the
    tests can drive lease expiry and the 60 s window with a fake clock instead of sleeping. The
    price is that workers' clocks must agree (NTP keeps them within milliseconds, which is nothing
    against a 60 s window and leases of minutes).
    """

    def __init__(
        self,
        connection: redis.Redis,
        *,
        provider: str,
        limits: ProviderLimits,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not provider:
            raise ValueError("provider must be a non-empty name")
        self.connection = connection
        self.provider = provider
        self.limits = limits
        self.clock = clock
        prefix = f"{KEY_PREFIX}:{provider}"
        self.leases_key = f"{prefix}:leases"
        self.images_key = f"{prefix}:images"
        self.image_counts_key = f"{prefix}:image_counts"
        self.freed_key = f"{prefix}:freed"
        # register_script only hashes the source; it is loaded into Redis on first use.
        self._acquire = connection.register_script(_ACQUIRE_SCRIPT)
        self._renew = connection.register_script(_RENEW_SCRIPT)

    def try_acquire(self, *, lease_id: str, images: int, lease_seconds: float) -> float:
        """Take one concurrency slot and `images` from the per-minute budget, atomically.

        Returns 0.0 when acquired. Otherwise takes nothing and returns the seconds after which
        trying again makes sense (never below MIN_RETRY_SECONDS): for the minute budget the exact
        time until enough of the window frees up, for concurrency a short poll interval because
        slots free up when other workers release them.

        The lease expires by itself after `lease_seconds`, so a holder whose call may last
        longer must `renew` it meanwhile (projects/liveness.py does, every few seconds). Calling
        again with the same `lease_id` while the lease is held is idempotent: it takes no second
        slot and counts no images, and only extends the lease to `lease_seconds` from now. A lease
        id's images are counted once per window even if it is released and acquired again, so use
        a fresh lease id for each provider call (e.g. one per generation attempt).

        A request asking for more images than images_per_minute is allowed once the window is
        empty (it would wait forever otherwise); the window then stays over budget for 60 s.
        `images` may be 0 for a call that needs a slot but produces no images.
        """
        if not lease_id:
            raise ValueError("lease_id must be a non-empty string")
        if images < 0:
            raise ValueError(f"images must be >= 0, got {images!r}")
        if not (lease_seconds > 0 and math.isfinite(lease_seconds)):
            raise ValueError(f"lease_seconds must be a positive number, got {lease_seconds!r}")
        wait = self._acquire(
            keys=[self.leases_key, self.images_key, self.image_counts_key],
            args=[
                repr(float(self.clock())),
                lease_id,
                images,
                repr(float(lease_seconds)),
                self.limits.max_concurrent,
                self.limits.images_per_minute,
                repr(WINDOW_SECONDS),
                repr(MIN_RETRY_SECONDS),
                repr(CONCURRENCY_RETRY_SECONDS),
                repr(KEY_TTL_MARGIN_SECONDS),
            ],
        )
        return float(wait)

    def renew(self, *, lease_ids: list[str], lease_seconds: float) -> int:
        """Extend the leases still held to `lease_seconds` from now; returns how many were.

        Holders renew well within `lease_seconds` while their call is in flight, so leases can be
        short: a slot whose holder died (SIGKILL, or a `release` lost to a Redis error) frees itself
        one lease later instead of after the longest possible call.
        """
        if not lease_ids:
            return 0
        if not (lease_seconds > 0 and math.isfinite(lease_seconds)):
            raise ValueError(f"lease_seconds must be a positive number, got {lease_seconds!r}")
        return int(
            self._renew(
                keys=[self.leases_key, self.images_key, self.image_counts_key],
                args=[
                    repr(float(self.clock())),
                    repr(float(lease_seconds)),
                    repr(KEY_TTL_MARGIN_SECONDS),
                    *lease_ids,
                ],
            )
        )

    def release(self, *, lease_id: str) -> None:
        """Give the concurrency slot back; idempotent, and a no-op for an unknown lease id.

        The lease's images stay counted until they leave the 60 s window: the provider has
        started (and billed) them whether or not the call succeeded. One waiter blocked in
        `wait_for_release` is woken.
        """
        with self.connection.pipeline(transaction=False) as pipeline:
            pipeline.zrem(self.leases_key, lease_id)
            pipeline.lpush(self.freed_key, "1")
            pipeline.ltrim(self.freed_key, 0, max(self.limits.max_concurrent, 1) - 1)
            pipeline.expire(self.freed_key, int(WINDOW_SECONDS))
            pipeline.execute()

    def wait_for_release(self, timeout: float) -> None:
        """Block until some holder releases a slot, or `timeout` seconds pass.

        Each release wakes one waiter, so a freed slot is taken within a round trip rather than
        a poll interval, and waiting costs no Redis commands. A wake-up is a hint, not a slot:
        call `try_acquire` again (a lease that expired wakes nobody; the timeout covers that).
        """
        self.connection.blpop([self.freed_key], timeout=max(timeout, 0.01))

    def in_flight(self) -> int:
        """The number of leases held now (expired leases do not count)."""
        return int(self.connection.zcount(self.leases_key, f"({float(self.clock())!r}", "+inf"))
