"""Sliding-window rate limit per session, with a clock the test moves."""

from api.ratelimit import SlidingWindowRateLimiter


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_hit_after_the_limit_is_refused_with_the_wait_until_the_oldest_expires():
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(limit=3, window=60, clock=clock)
    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 15
    assert limiter.hit("a") == 45.0


def test_the_window_slides_instead_of_resetting_each_minute():
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(limit=2, window=60, clock=clock)
    limiter.hit("a")  # t=0
    clock.now += 30
    limiter.hit("a")  # t=30
    clock.now += 30  # t=60: the first hit has left the window, the second has not
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") == 30.0


def test_sessions_are_counted_apart():
    limiter = SlidingWindowRateLimiter(limit=1, window=60, clock=FakeClock())
    assert limiter.hit("a") == 0.0
    assert limiter.hit("b") == 0.0
    assert limiter.hit("a") > 0


def test_refused_hits_do_not_extend_the_wait():
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(limit=1, window=60, clock=clock)
    limiter.hit("a")
    for _ in range(10):
        limiter.hit("a")
    clock.now += 60
    assert limiter.hit("a") == 0.0
