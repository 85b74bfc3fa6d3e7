"""Claims on segments in Redis: two workers wanting the same segment at the same moment
synthesize it once; the other waits for the cache entry the claimant writes."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import redis


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
        self.ttl = ttl  # a claimant that died frees its claim after this long
        self.poll = poll
        self.sleep = sleep
        self.owner = uuid.uuid4().hex

    @staticmethod
    def _key(cache_key: str) -> str:
        return f"loa:claim:{cache_key}"

    def claim(self, cache_key: str) -> bool:
        """True when this caller now holds the claim on ``cache_key``."""
        return bool(
            self.client.set(self._key(cache_key), self.owner, nx=True, px=int(self.ttl * 1000))
        )

    def release(self, cache_key: str) -> None:
        self.client.delete(self._key(cache_key))

    def wait_released(self, cache_key: str, done: Callable[[], bool]) -> None:
        """Wait until ``done()`` (the cache holds it) or nobody holds the claim any more."""
        key = self._key(cache_key)
        while not done() and self.client.exists(key):
            self.sleep(self.poll)
