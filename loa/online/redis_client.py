"""The Redis client the online machinery shares (the broker's Redis), one per process."""

from __future__ import annotations

import functools

import redis

from loa.config import Settings
from loa.contracts import broker_url


@functools.lru_cache(maxsize=8)
def _client(url: str) -> redis.Redis:
    # redis-py re-creates pooled connections in a forked child (it checks the pid)
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def redis_for(settings: Settings) -> redis.Redis:
    """A client for the Redis these settings point at."""
    return _client(broker_url(settings))
