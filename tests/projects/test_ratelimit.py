"""The Redis-coordinated provider limiter: concurrency slots, the image window, leases, keys."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured

from projects.ratelimit import (
    CONCURRENCY_RETRY_SECONDS,
    KEY_PREFIX,
    MIN_RETRY_SECONDS,
    UNLIMITED,
    ProviderLimiter,
    ProviderLimits,
    limits_for,
)

START = 1_700_000_000.25


class FakeClock:
    """A clock the test moves by hand, so leases and the 60 s window need no sleeping."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def connection(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def provider(connection: redis.Redis) -> Iterator[str]:
    """A provider name of its own, so the test touches only its own keys on a shared Redis."""
    name = f"test-{uuid.uuid4().hex}"
    yield name
    keys = list(connection.scan_iter(match=f"{KEY_PREFIX}:{name}:*"))
    if keys:
        connection.delete(*keys)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


LimiterFactory = Callable[..., ProviderLimiter]


@pytest.fixture
def make_limiter(connection: redis.Redis, provider: str, clock: FakeClock) -> LimiterFactory:
    def make(max_concurrent: int = 0, images_per_minute: int = 0) -> ProviderLimiter:
        limits = ProviderLimits(max_concurrent=max_concurrent, images_per_minute=images_per_minute)
        return ProviderLimiter(connection, provider=provider, limits=limits, clock=clock)

    return make


@pytest.mark.redis
def test_concurrency_cap_refuses_the_extra_request_until_a_release(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(max_concurrent=3)
    for lease_id in ("a", "b", "c"):
        assert limiter.try_acquire(lease_id=lease_id, images=1, lease_seconds=300) == 0.0
    wait = limiter.try_acquire(lease_id="d", images=1, lease_seconds=300)
    assert MIN_RETRY_SECONDS <= wait <= CONCURRENCY_RETRY_SECONDS
    assert limiter.in_flight() == 3

    limiter.release(lease_id="a")
    assert limiter.in_flight() == 2
    assert limiter.try_acquire(lease_id="d", images=1, lease_seconds=300) == 0.0
    assert limiter.in_flight() == 3


@pytest.mark.redis
def test_lease_expires_by_itself(make_limiter: LimiterFactory, clock: FakeClock) -> None:
    limiter = make_limiter(max_concurrent=1)
    assert limiter.try_acquire(lease_id="killed-worker", images=1, lease_seconds=30) == 0.0
    assert limiter.try_acquire(lease_id="next", images=1, lease_seconds=30) > 0

    clock.advance(29.9)
    assert limiter.in_flight() == 1
    assert limiter.try_acquire(lease_id="next", images=1, lease_seconds=30) > 0
    clock.advance(0.1)
    assert limiter.in_flight() == 0
    assert limiter.try_acquire(lease_id="next", images=1, lease_seconds=30) == 0.0
    assert limiter.in_flight() == 1


@pytest.mark.redis
def test_concurrency_wait_is_short_when_the_oldest_lease_is_about_to_expire(
    make_limiter: LimiterFactory, clock: FakeClock
) -> None:
    limiter = make_limiter(max_concurrent=1)
    limiter.try_acquire(lease_id="a", images=1, lease_seconds=10)
    clock.advance(9.3)
    assert limiter.try_acquire(lease_id="b", images=1, lease_seconds=10) == pytest.approx(0.7)
    clock.advance(0.6)
    assert limiter.try_acquire(lease_id="b", images=1, lease_seconds=10) == MIN_RETRY_SECONDS


@pytest.mark.redis
def test_reacquire_with_the_same_lease_id_is_idempotent(make_limiter: LimiterFactory) -> None:
    limiter = make_limiter(max_concurrent=2, images_per_minute=10)
    assert limiter.try_acquire(lease_id="a", images=4, lease_seconds=30) == 0.0
    assert limiter.try_acquire(lease_id="a", images=4, lease_seconds=30) == 0.0
    assert limiter.in_flight() == 1
    # Had "a" counted twice (8 images), these 6 would not fit into 10.
    assert limiter.try_acquire(lease_id="b", images=6, lease_seconds=30) == 0.0
    assert limiter.in_flight() == 2
    # Both slots are taken, yet the holder of one may still re-acquire it.
    assert limiter.try_acquire(lease_id="a", images=4, lease_seconds=30) == 0.0


@pytest.mark.redis
def test_reacquire_extends_the_lease(make_limiter: LimiterFactory, clock: FakeClock) -> None:
    limiter = make_limiter(max_concurrent=1)
    limiter.try_acquire(lease_id="a", images=1, lease_seconds=30)
    clock.advance(20)
    limiter.try_acquire(lease_id="a", images=1, lease_seconds=30)
    clock.advance(20)
    assert limiter.in_flight() == 1
    clock.advance(10)
    assert limiter.in_flight() == 0


@pytest.mark.redis
def test_release_is_idempotent_and_keeps_images_counted(make_limiter: LimiterFactory) -> None:
    limiter = make_limiter(max_concurrent=1, images_per_minute=10)
    assert limiter.try_acquire(lease_id="a", images=8, lease_seconds=30) == 0.0
    limiter.release(lease_id="a")
    limiter.release(lease_id="a")
    limiter.release(lease_id="never-acquired")
    assert limiter.in_flight() == 0
    # The slot is free but the 8 images still fill the window.
    assert limiter.try_acquire(lease_id="b", images=4, lease_seconds=30) > 0
    # The same lease id acquired again takes the slot without counting its images twice.
    assert limiter.try_acquire(lease_id="a", images=8, lease_seconds=30) == 0.0
    assert limiter.in_flight() == 1


@pytest.mark.redis
def test_images_per_minute_window(make_limiter: LimiterFactory, clock: FakeClock) -> None:
    limiter = make_limiter(images_per_minute=10)
    assert limiter.try_acquire(lease_id="first", images=4, lease_seconds=300) == 0.0
    clock.advance(10)
    assert limiter.try_acquire(lease_id="second", images=4, lease_seconds=300) == 0.0
    clock.advance(10)
    # 8 used; 4 more fit once "first" leaves the window, 60 s after it started.
    assert limiter.try_acquire(lease_id="third", images=4, lease_seconds=300) == pytest.approx(40)
    clock.advance(39.8)
    assert limiter.try_acquire(lease_id="third", images=4, lease_seconds=300) == MIN_RETRY_SECONDS
    clock.advance(0.2)
    assert limiter.try_acquire(lease_id="third", images=4, lease_seconds=300) == 0.0


@pytest.mark.redis
def test_images_allowed_sixty_seconds_later(make_limiter: LimiterFactory, clock: FakeClock) -> None:
    limiter = make_limiter(images_per_minute=10)
    limiter.try_acquire(lease_id="a", images=4, lease_seconds=300)
    limiter.try_acquire(lease_id="b", images=4, lease_seconds=300)
    assert limiter.try_acquire(lease_id="c", images=4, lease_seconds=300) == pytest.approx(60)
    clock.advance(60)
    assert limiter.try_acquire(lease_id="c", images=4, lease_seconds=300) == 0.0


@pytest.mark.redis
def test_image_wait_is_until_enough_of_the_window_frees_up(
    make_limiter: LimiterFactory, clock: FakeClock
) -> None:
    limiter = make_limiter(images_per_minute=10)
    for lease_id in ("at-0", "at-10", "at-20"):
        assert limiter.try_acquire(lease_id=lease_id, images=3, lease_seconds=300) == 0.0
        clock.advance(10)
    # 9 used, 5 asked: the oldest leaving frees 3 (6 + 5 > 10), the second makes it fit.
    assert limiter.try_acquire(lease_id="five", images=5, lease_seconds=300) == pytest.approx(40)


@pytest.mark.redis
def test_oversize_request_is_allowed_on_an_empty_window(
    make_limiter: LimiterFactory, clock: FakeClock
) -> None:
    limiter = make_limiter(images_per_minute=10)
    assert limiter.try_acquire(lease_id="small", images=1, lease_seconds=300) == 0.0
    clock.advance(1)
    # 15 can never fit into 10, so it waits for the window to empty, then goes alone.
    assert limiter.try_acquire(lease_id="huge", images=15, lease_seconds=300) == pytest.approx(59)
    clock.advance(59)
    assert limiter.try_acquire(lease_id="huge", images=15, lease_seconds=300) == 0.0
    # The window is now over budget until the big request leaves it.
    assert limiter.try_acquire(lease_id="after", images=1, lease_seconds=300) == pytest.approx(60)


@pytest.mark.redis
def test_refused_by_both_limits_waits_for_the_longer(
    make_limiter: LimiterFactory, clock: FakeClock
) -> None:
    limiter = make_limiter(max_concurrent=1, images_per_minute=2)
    limiter.try_acquire(lease_id="a", images=2, lease_seconds=300)
    assert limiter.try_acquire(lease_id="b", images=1, lease_seconds=300) == pytest.approx(60)
    assert limiter.in_flight() == 1


@pytest.mark.redis
def test_unlimited_provider_admits_everything_and_still_counts(
    connection: redis.Redis, provider: str, clock: FakeClock
) -> None:
    limiter = ProviderLimiter(connection, provider=provider, limits=UNLIMITED, clock=clock)
    for index in range(50):
        assert limiter.try_acquire(lease_id=f"lease-{index}", images=100, lease_seconds=5) == 0.0
    assert limiter.in_flight() == 50


@pytest.mark.redis
def test_keys_are_namespaced_and_expire(
    connection: redis.Redis, provider: str, make_limiter: LimiterFactory
) -> None:
    limiter = make_limiter(max_concurrent=2, images_per_minute=10)
    limiter.try_acquire(lease_id="short", images=1, lease_seconds=5)
    keys = sorted(key.decode() for key in connection.scan_iter(match=f"{KEY_PREFIX}:*{provider}*"))
    assert keys == [
        f"brandkit:ratelimit:{provider}:image_counts",
        f"brandkit:ratelimit:{provider}:images",
        f"brandkit:ratelimit:{provider}:leases",
    ]
    # The window (60 s) outlasts a 5 s lease; keys live that long plus a 60 s margin.
    for key in keys:
        assert 110 < connection.ttl(key) <= 120

    # A long lease keeps the keys alive at least as long as the lease.
    limiter.try_acquire(lease_id="long", images=1, lease_seconds=600)
    for key in keys:
        assert 600 < connection.ttl(key) <= 660


@pytest.mark.redis
def test_atomic_under_contention(connection: redis.Redis, provider: str, redis_url: str) -> None:
    """8 threads, each with its own connection, ask for 3 slots at the same instant, 20 times:
    exactly 3 win every round. A barrier lines the requests up, so a check-then-add limiter
    would over-grant in nearly every round rather than now and then."""
    limits = ProviderLimits(max_concurrent=3, images_per_minute=0)
    rounds, contenders = 20, 8
    start = threading.Barrier(contenders)
    granted: list[list[str]] = [[] for _ in range(rounds)]
    errors: list[BaseException] = []

    def contend(worker: int) -> None:
        client = redis.Redis.from_url(redis_url)
        limiter = ProviderLimiter(client, provider=provider, limits=limits)
        try:
            for number in range(rounds):
                start.wait(timeout=10)
                lease_id = f"round-{number}-worker-{worker}"
                if limiter.try_acquire(lease_id=lease_id, images=1, lease_seconds=30) == 0:
                    granted[number].append(lease_id)
                start.wait(timeout=10)  # everyone has asked; the winners give their slot back
                if lease_id in granted[number]:
                    limiter.release(lease_id=lease_id)
        except Exception as exc:  # noqa: BLE001 (re-raised in the main thread below)
            errors.append(exc)
            start.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=contend, args=(worker,)) for worker in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert [len(winners) for winners in granted] == [3] * rounds
    limiter = ProviderLimiter(connection, provider=provider, limits=limits)
    assert limiter.in_flight() == 0


@pytest.mark.redis
def test_acquire_is_one_atomic_script_call(make_limiter: LimiterFactory) -> None:
    """Check and take happen in one Lua script, which Redis runs atomically: no interleaving
    between workers can split them, whatever the timing."""
    limiter = make_limiter(max_concurrent=1)
    calls: list[dict[str, Any]] = []
    real_acquire = limiter._acquire

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real_acquire(**kwargs)

    limiter._acquire = counting  # type: ignore[method-assign]
    limiter.connection = None  # type: ignore[assignment]  # any other Redis call would fail
    assert limiter.try_acquire(lease_id="one", images=1, lease_seconds=30) == 0
    assert limiter.try_acquire(lease_id="two", images=1, lease_seconds=30) > 0
    assert len(calls) == 2


@pytest.mark.redis
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"lease_id": "", "images": 1, "lease_seconds": 30}, "lease_id"),
        ({"lease_id": "a", "images": -1, "lease_seconds": 30}, "images"),
        ({"lease_id": "a", "images": 1, "lease_seconds": 0}, "lease_seconds"),
        ({"lease_id": "a", "images": 1, "lease_seconds": float("inf")}, "lease_seconds"),
    ],
)
def test_try_acquire_rejects_bad_arguments(
    make_limiter: LimiterFactory, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_limiter(max_concurrent=1).try_acquire(**arguments)


def test_limits_for_reads_settings(settings: Any) -> None:
    settings.PROVIDER_LIMITS = {
        "ark": {"max_concurrent": 4, "images_per_minute": 500},
        "fal": {"max_concurrent": 2},
    }
    assert limits_for("ark") == ProviderLimits(max_concurrent=4, images_per_minute=500)
    assert limits_for("fal") == ProviderLimits(max_concurrent=2, images_per_minute=0)
    assert limits_for("local") == UNLIMITED


def test_limits_for_without_the_setting_is_unlimited(settings: Any) -> None:
    del settings.PROVIDER_LIMITS
    assert limits_for("ark") == UNLIMITED


def test_limits_for_rejects_negative_limits(settings: Any) -> None:
    settings.PROVIDER_LIMITS = {"ark": {"max_concurrent": -1, "images_per_minute": 500}}
    with pytest.raises(ImproperlyConfigured, match="PROVIDER_LIMITS\\['ark'\\]"):
        limits_for("ark")


def test_a_renewed_lease_outlives_its_lease_time_and_an_abandoned_one_does_not(
    make_limiter: LimiterFactory, clock: FakeClock
) -> None:
    limiter = make_limiter(max_concurrent=2)
    assert limiter.try_acquire(lease_id="held", images=1, lease_seconds=60) == 0
    assert limiter.try_acquire(lease_id="abandoned", images=1, lease_seconds=60) == 0
    for _ in range(4):  # the holder renews every 20 s; the other holder died
        clock.advance(20)
        assert limiter.renew(lease_ids=["held"], lease_seconds=60) == 1
    assert limiter.in_flight() == 1  # the abandoned slot freed itself after 60 s
    assert limiter.try_acquire(lease_id="next", images=1, lease_seconds=60) == 0
    # An expired lease is not brought back by a late renewal.
    assert limiter.renew(lease_ids=["abandoned"], lease_seconds=60) == 0
    assert limiter.in_flight() == 2


@pytest.mark.redis
def test_a_release_wakes_a_waiter_at_once(make_limiter: LimiterFactory) -> None:
    holder = make_limiter(max_concurrent=1)
    assert holder.try_acquire(lease_id="held", images=1, lease_seconds=60) == 0
    woke_after: list[float] = []

    def waiter() -> None:
        started = time.monotonic()
        holder.wait_for_release(timeout=5.0)
        woke_after.append(time.monotonic() - started)

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.2)
    holder.release(lease_id="held")
    thread.join(timeout=5)
    assert woke_after and woke_after[0] < 2.0  # woken by the release, not the 5 s timeout
    assert holder.try_acquire(lease_id="next", images=1, lease_seconds=60) == 0
