"""Claims on segments in Redis: two workers wanting the same segment at the same moment
synthesize it once; the other waits for the cache entry the claimant writes.

A claim names its claimant process (``host:pid``) and carries a token of its own (threads of
one process claim separately). A waiter that finds the claimant gone (a worker killed
mid-segment) frees the claim at once instead of waiting out its TTL, which is left for
claimants on other hosts. While the claimant synthesizes (a slow answer, retries, back-offs)
a thread extends its claim every third of the TTL, so it is not taken over while still held;
a claimant releases only its own claim (compare-and-delete), never a newcomer's."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import redis

from loa.owners import current_owner, owner_is_dead

log = logging.getLogger(__name__)

#: deletes the claim only if it still names the dead claimant (another may have claimed since)
_DELETE_IF_OWNER = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)
#: renews the claim's TTL only while it is still ours
_EXTEND_IF_OWNER = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
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

    def claim(self, cache_key: str) -> str | None:
        """This caller's claim on ``cache_key`` (a token for ``release``), or None: another
        holds it."""
        token = f"{current_owner()} {uuid.uuid4().hex}"
        got = self.client.set(self._key(cache_key), token, nx=True, px=int(self.ttl * 1000))
        return token if got else None

    def extend(self, cache_key: str, token: str) -> bool:
        """Renew our claim for another TTL; False when it is no longer ours."""
        ttl_ms = int(self.ttl * 1000)
        return bool(self.client.eval(_EXTEND_IF_OWNER, 1, self._key(cache_key), token, ttl_ms))

    def release(self, cache_key: str, token: str) -> None:
        """Delete our claim; one taken since by another caller is left alone."""
        self.client.eval(_DELETE_IF_OWNER, 1, self._key(cache_key), token)

    @contextlib.contextmanager
    def held(self, cache_key: str) -> Iterator[bool]:
        """Claim ``cache_key`` for the block (True) or learn that another holds it (False).
        Ours is extended while the block runs and released after it."""
        token = self.claim(cache_key)
        if token is None:
            yield False
            return
        stop = threading.Event()
        keeper = threading.Thread(
            target=self._keep, args=(cache_key, token, stop), name="loa-claim", daemon=True
        )
        keeper.start()
        try:
            yield True
        finally:
            stop.set()
            keeper.join()
            self.release(cache_key, token)

    def _keep(self, cache_key: str, token: str, stop: threading.Event) -> None:
        while not stop.wait(self.ttl / 3):
            if not self.extend(cache_key, token):
                log.warning("claim on %s was lost while synthesizing it", cache_key)
                return

    def wait_released(self, cache_key: str, done: Callable[[], bool]) -> None:
        """Wait until ``done()`` (the cache holds it) or nobody holds the claim any more."""
        key = self._key(cache_key)
        while not done():
            owner = self.client.get(key)
            if owner is None:
                return
            value = owner.decode() if isinstance(owner, bytes) else str(owner)
            if owner_is_dead(value.split(" ")[0]):  # "host:pid token"
                self.client.eval(_DELETE_IF_OWNER, 1, key, owner)
                return
            self.sleep(self.poll)
