"""A request budget shared by every process and host that talks to one online endpoint.

Two limits, kept in Redis and checked atomically by one Lua script (Redis's own clock, so
hosts with skewed clocks agree):

- rate: at most ``max_rps`` requests started in any window of ``window`` seconds (a sliding
  window, a sorted set of start times). The window is a little longer than one second by
  default so that a remote observer, who sees requests arrive with network jitter, still never
  counts more than ``max_rps`` in any one second.
- concurrency: at most ``max_concurrency`` requests in flight (a sorted set of holders scored by
  when their hold expires: a process killed mid-request frees its slot after ``hold_seconds``).

``priority="low"`` (background upgrades) only takes a slot while at least half of each limit is
free, so new articles always find room.

A waiter sleeps until the time the script names (when the oldest start leaves the window, or
20 ms while every slot is held) plus at most 20 ms of jitter, and wakes at once when a thread of
its own process releases a slot (most releases a waiter needs are its own article's).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import redis

from loa.online.errors import BudgetTimeout

log = logging.getLogger(__name__)

_ACQUIRE = """
local rate_key, flight_key = KEYS[1], KEYS[2]
local max_rps, max_conc = tonumber(ARGV[1]), tonumber(ARGV[2])
local window_ms, hold_ms = tonumber(ARGV[3]), tonumber(ARGV[4])
local token, share = ARGV[5], tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', rate_key, '-inf', now - window_ms)
redis.call('ZREMRANGEBYSCORE', flight_key, '-inf', now)
local conc_limit = math.max(1, math.floor(max_conc * share))
local rate_limit = math.max(1, math.floor(max_rps * share))
if redis.call('ZCARD', flight_key) >= conc_limit then
  return -20
end
if redis.call('ZCARD', rate_key) >= rate_limit then
  local oldest = redis.call('ZRANGE', rate_key, 0, 0, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + window_ms - now + 1
  if wait < 1 then wait = 1 end
  return wait
end
redis.call('ZADD', rate_key, now, token)
redis.call('ZADD', flight_key, now + hold_ms, token)
redis.call('PEXPIRE', rate_key, window_ms * 2)
redis.call('PEXPIRE', flight_key, hold_ms * 2)
return 0
"""

PRIORITY_SHARE = {"normal": 1.0, "low": 0.5}


class Budget:
    """The shared budget of one endpoint (``name``: "gtts", "edge")."""

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        *,
        max_rps: float,
        max_concurrency: int,
        window: float = 1.2,
        hold_seconds: float = 60.0,
    ) -> None:
        self.client = client
        self.name = name
        self.max_rps = max_rps
        self.max_concurrency = max_concurrency
        self.window = window
        self.hold_seconds = hold_seconds
        self._pid = -1
        self._freed = threading.Condition()
        self._script: Any = client.register_script(_ACQUIRE)
        self.rate_key = f"loa:budget:{name}:rate"
        self.flight_key = f"loa:budget:{name}:flight"

    def try_acquire(self, token: str, priority: str = "normal") -> float:
        """Take a slot for ``token`` now (returns 0) or say how many seconds to wait: negative
        while every slot is held (a release may end the wait sooner), positive for the rate
        (until the oldest start leaves the window)."""
        wait_ms = self._script(
            keys=[self.rate_key, self.flight_key],
            args=[
                self.max_rps,
                self.max_concurrency,
                int(self.window * 1000),
                int(self.hold_seconds * 1000),
                token,
                PRIORITY_SHARE[priority],
            ],
        )
        return float(wait_ms) / 1000

    def release(self, token: str) -> None:
        self.client.zrem(self.flight_key, token)
        freed = self._condition()
        with freed:
            freed.notify()  # one waiter: one slot

    def _condition(self) -> threading.Condition:
        """This process's condition (a forked child makes its own: no lock shared)."""
        if self._pid != os.getpid():
            self._pid, self._freed = os.getpid(), threading.Condition()
        return self._freed

    def _wait(self, seconds: float) -> None:
        """Wait ``seconds`` (negative: every slot is held, so a release here ends it sooner)."""
        jitter = random.uniform(0.0, min(0.02, abs(seconds)))  # waiters do not move in step
        if seconds > 0:
            time.sleep(seconds + jitter)
            return
        freed = self._condition()
        with freed:
            freed.wait(-seconds + jitter)

    @contextlib.contextmanager
    def slot(self, *, priority: str = "normal", timeout: float = 120.0) -> Iterator[None]:
        """Hold one request slot for the block; waits for one (BudgetTimeout after ``timeout``)."""
        token = uuid.uuid4().hex
        deadline = time.monotonic() + timeout
        while True:
            wait = self.try_acquire(token, priority)
            if wait == 0:
                break
            if time.monotonic() + abs(wait) > deadline:
                raise BudgetTimeout(f"{self.name}: no request slot within {timeout:.0f} s")
            self._wait(wait)
        try:
            yield
        finally:
            self.release(token)

    def in_flight(self) -> int:
        return int(self.client.zcard(self.flight_key))
