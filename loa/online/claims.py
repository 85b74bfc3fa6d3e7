"""Claims on segments in Redis: two workers wanting the same segment at the same moment
synthesize it once; the other waits for the cache entry the claimant writes.

A claim names its claimant process (``host:pid``). A waiter that finds the claimant gone (a
worker killed mid-segment) frees the claim at once instead of waiting out its TTL, which is
left for claimants on other hosts."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from loa.owners import current_owner, owner_is_dead

#: deletes the claim only if it still names the dead claimant (another may have claimed since)
_DELETE_IF_OWNER = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


class SegmentClaims:
    def __init__(
        self,
        client: redis.Redis,
        *,
        ttl: float = 120.0,
        poll: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.ttl = ttl  # a claimant on another host that died frees its claim after this long
        self.poll = poll
        self.sleep = sleep

    @staticmethod
    def _key(cache_key: str) -> str:
        return f"loa:claim:{cache_key}"

    def claim(self, cache_key: str) -> bool:
        """True when this caller now holds the claim on ``cache_key``."""
        return bool(
            self.client.set(self._key(cache_key), current_owner(), nx=True, px=int(self.ttl * 1000))
        )

    def release(self, cache_key: str) -> None:
        self.client.delete(self._key(cache_key))

    def wait_released(self, cache_key: str, done: Callable[[], bool]) -> None:
        """Wait until ``done()`` (the cache holds it) or nobody holds the claim any more."""
        key = self._key(cache_key)
        while not done():
            owner = self.client.get(key)
            if owner is None:
                return
            name = owner.decode() if isinstance(owner, bytes) else str(owner)
            if owner_is_dead(name):
                self.client.eval(_DELETE_IF_OWNER, 1, key, owner)
                return
            self.sleep(self.poll)
