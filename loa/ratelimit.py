"""Per-key write rate limits, counted in Redis (shared by every API process).

A fixed one-minute window per key: the first ``limit`` writes of a minute pass, the next ones
are refused until the minute ends (``retry_after`` says in how many seconds). When Redis is
unreachable the limit is not enforced (and Redis is not asked again for a few seconds): a
limiter outage must not stop every CMS from publishing.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass

import redis

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
PAUSE_AFTER_ERROR_SECONDS = 5.0
_paused_until = 0.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0


@functools.lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def hit(url: str | None, key_id: str, limit: int, at: float | None = None) -> Decision:
    """Count one write by ``key_id``; refuse it past ``limit`` in the current minute."""
    global _paused_until
    if limit <= 0 or not url or time.monotonic() < _paused_until:
        return Decision(True)
    current = time.time() if at is None else at
    window = int(current // WINDOW_SECONDS)
    name = f"loa:rate:{key_id}:{window}"
    try:
        pipe = _client(url).pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW_SECONDS * 2)
        count = int(pipe.execute()[0])
    except redis.RedisError as exc:
        _paused_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS
        logger.warning("write rate limit not enforced, Redis unreachable: %s", exc)
        return Decision(True)
    if count <= limit:
        return Decision(True)
    left = (window + 1) * WINDOW_SECONDS - current
    return Decision(False, max(1, math.ceil(left)))
