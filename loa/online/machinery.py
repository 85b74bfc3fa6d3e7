"""The shared machinery of each online engine, built from settings (one per process), and the
health check auto mode asks in workers."""

from __future__ import annotations

import functools
import logging

from loa.config import Settings
from loa.engines.base import Engine
from loa.online.breaker import CLOSED, OPEN, Breaker
from loa.online.budget import Budget
from loa.online.guard import GuardedEngine, Machinery
from loa.online.redis_client import redis_for
from loa.online.retry import RetryPolicy

log = logging.getLogger(__name__)

ONLINE_ENGINES = ("gtts", "edge")


def _limits(settings: Settings, name: str) -> tuple[float, int]:
    if name == "edge":
        return settings.edge_max_rps, settings.edge_max_concurrency
    return settings.gtts_max_rps, settings.gtts_max_concurrency


@functools.lru_cache(maxsize=16)
def _machinery(settings_json: str, name: str) -> Machinery:
    settings = Settings.model_validate_json(settings_json)
    client = redis_for(settings)
    rps, concurrency = _limits(settings, name)
    return Machinery(
        budget=Budget(client, name, max_rps=rps, max_concurrency=concurrency),
        breaker=Breaker(
            client,
            name,
            failure_threshold=settings.breaker_failures,
            open_seconds=settings.breaker_open_seconds,
        ),
        policy=RetryPolicy(attempts=settings.online_retries),
        concurrency=concurrency,
    )


def machinery_for(settings: Settings, name: str) -> Machinery | None:
    """The budget, breaker and retry policy of online engine ``name``; None for offline ones."""
    if name not in ONLINE_ENGINES:
        return None
    return _machinery(settings.model_dump_json(), name)


def is_healthy(settings: Settings, engine: Engine) -> bool:
    """Auto mode's question in a worker: closed breaker -> yes; open -> no; half-open -> one
    probe request decides (whoever wins the probe sends it; the others read the verdict)."""
    machinery = machinery_for(settings, engine.name)
    if machinery is None:
        return True
    state = machinery.breaker.state()
    if state == CLOSED:
        return True
    if state == OPEN:
        last = machinery.breaker.last_failure() or "no detail"
        _note(engine, f"circuit open after repeated failures: {last}")
        return False
    ok = GuardedEngine(engine, machinery).probe()
    if not ok:
        _note(engine, f"probe failed ({engine.name})")
    return ok


def _note(engine: Engine, text: str) -> None:
    if hasattr(engine, "last_error"):
        engine.last_error = text
