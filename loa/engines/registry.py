"""Engines by name, built from settings, cached per process, and the "auto" choice.

To add an engine, add one entry to ``_FACTORIES``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from loa.config import Settings, get_settings
from loa.engines.base import Engine
from loa.engines.espeak import DEFAULT_RATE_WPM, EspeakEngine
from loa.engines.fake import FakeEngine
from loa.engines.gtts import GttsEngine

log = logging.getLogger(__name__)


def _espeak(settings: Settings) -> Engine:
    return EspeakEngine(
        sample_rate=settings.sample_rate,
        bitrate_kbps=settings.bitrate_kbps,
        rate_wpm=getattr(settings, "espeak_rate_wpm", DEFAULT_RATE_WPM),
    )


def _gtts(settings: Settings) -> Engine:
    return GttsEngine(
        base_url=settings.gtts_url,
        timeout=settings.gtts_timeout,
        probe_timeout=settings.gtts_probe_timeout,
    )


def _fake(settings: Settings) -> Engine:
    return FakeEngine(sample_rate=settings.sample_rate, bitrate_kbps=settings.bitrate_kbps)


_FACTORIES: dict[str, Callable[[Settings], Engine]] = {
    "espeak": _espeak,
    "gtts": _gtts,
    "fake": _fake,
}
AUTO = "auto"
OFFLINE_FALLBACK = "espeak"

_cache: dict[tuple[str, str], Engine] = {}
_cache_lock = threading.Lock()


def engine_names() -> tuple[str, ...]:
    """Names ``get_engine`` accepts (not "auto", which ``choose_engine`` resolves)."""
    return tuple(_FACTORIES)


def _settings_key(settings: Settings) -> str:
    dump = getattr(settings, "model_dump_json", None)
    return dump() if dump else repr(sorted(vars(settings).items()))


def get_engine(name: str, settings: Settings | None = None) -> Engine:
    """The process's engine ``name`` for these settings (built once, then reused).

    Raises ValueError for an unknown name.
    """
    if name not in _FACTORIES:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(_FACTORIES)}")
    settings = settings or get_settings()
    key = (name, _settings_key(settings))
    with _cache_lock:
        engine = _cache.get(key)
        if engine is None:
            engine = _cache[key] = _FACTORIES[name](settings)
            log.debug("engine %s created", name)
        return engine


def choose_engine(choice: str, settings: Settings | None = None) -> tuple[Engine, str | None]:
    """The engine to synthesize an article with, and why it is not the preferred one.

    "auto" takes Google (gtts) when its probe answers within ``gtts_probe_timeout`` (the verdict
    is cached ~60 s), else espeak with a reason like "google unreachable: ...". Any other choice
    is taken as is, with no reason.
    """
    settings = settings or get_settings()
    if choice != AUTO:
        return get_engine(choice, settings), None
    google = get_engine("gtts", settings)
    if google.available():
        return google, None
    detail = getattr(google, "last_error", None) or "probe failed"
    reason = f"google unreachable: {detail}"
    log.info("auto engine: %s; using %s", reason, OFFLINE_FALLBACK)
    return get_engine(OFFLINE_FALLBACK, settings), reason


def clear_engine_cache() -> None:
    """Forget every cached engine (tests, or after settings change)."""
    with _cache_lock:
        _cache.clear()


def _after_fork_in_child() -> None:
    """A child starts afresh: no parent probe verdicts, no lock held by a parent thread."""
    global _cache_lock
    _cache_lock = threading.Lock()
    _cache.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
