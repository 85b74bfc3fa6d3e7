"""Counters shared by every Loa process (workers, the API, ``loa serve``), kept in Redis.

The workers and the supervisor run in other processes (or containers) than the API that
answers /metrics, so their counts go to one Redis hash the API reads when scraped. Counting
never fails the caller: when Redis is unreachable a count is dropped (and Redis is not asked
again for a few seconds, so a Redis outage does not slow synthesis down).
"""

from __future__ import annotations

import functools
import logging
import time

import redis

from loa.config import get_settings

logger = logging.getLogger(__name__)

KEY = "loa:metrics"
SEPARATOR = "|"
PAUSE_AFTER_ERROR_SECONDS = 5.0

SYNTHESIS_SECONDS = "synthesis_seconds"
SEGMENTS_SYNTHESIZED = "segments_synthesized"
CACHE_HITS = "cache_hits"
RETRIES = "retries"
RESTARTS = "restarts"

_paused_until = 0.0


@functools.lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def field(name: str, label: str = "") -> str:
    return f"{name}{SEPARATOR}{label}"


def add(name: str, label: str = "", amount: float = 1.0, *, url: str | None = None) -> None:
    """Add ``amount`` to the counter ``name`` (with one label value, e.g. an engine name)."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return
    target = url or get_settings().redis_url
    if not target:
        return
    try:
        _client(target).hincrbyfloat(KEY, field(name, label), amount)
    except redis.RedisError as exc:
        _paused_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS
        logger.debug("counter %s not recorded: %s", name, exc)


def record_synthesis(engine: str, seconds: float) -> None:
    """One segment synthesized by ``engine`` in ``seconds``."""
    add(SYNTHESIS_SECONDS, engine, seconds)
    add(SEGMENTS_SYNTHESIZED, engine)


def read_all(url: str) -> dict[tuple[str, str], float]:
    """Every counter as {(name, label): value}; raises redis.RedisError when unreachable."""
    raw = _client(url).hgetall(KEY)
    out: dict[tuple[str, str], float] = {}
    for key, value in raw.items():
        text = key.decode() if isinstance(key, bytes) else str(key)
        name, _, label = text.partition(SEPARATOR)
        out[(name, label)] = float(value)
    return out
