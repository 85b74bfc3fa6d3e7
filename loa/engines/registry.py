"""Engines by name, and the engine policy: the one place that decides which engine speaks.

- ``register(name, factory, voices=...)`` adds an engine; ``registered(...)`` does so for the
  length of a ``with`` block (tests swap engines this way, never by patching private tables).
- ``get_engine(name, settings)`` builds an engine once per process and settings.
- ``known_voices()`` is the voice list the API accepts: every voice some engine offers.
- ``choose(settings, voice)`` is the "auto" policy: Google (gtts) when its probe answers within
  ``gtts_probe_timeout`` (the verdict is cached ~60 s), else espeak, and espeak whenever the
  voice asked for is one only espeak offers. It never changes a voice an engine offers.
- ``fallback(settings, selection, voice, error)``: when the chosen engine fails midway, in auto
  mode, the whole article moves to espeak (one engine per article, so its clips byte-join).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from loa.config import Settings, get_settings
from loa.engines import espeak, fake
from loa.engines.base import Engine
from loa.engines.espeak import EspeakEngine
from loa.engines.fake import FakeEngine
from loa.engines.gtts import GTTS_VOICES, GttsEngine

log = logging.getLogger(__name__)

EngineFactory = Callable[[Settings], Engine]

AUTO = "auto"
ONLINE = "gtts"
OFFLINE_FALLBACK = "espeak"


@dataclass(frozen=True)
class Registration:
    factory: EngineFactory
    voices: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """The engine for one article, the voice to use with it, and why when auto chose."""

    engine: Engine
    voice: str
    note: str | None = None


def _espeak(settings: Settings) -> Engine:
    return EspeakEngine(
        sample_rate=settings.sample_rate,
        bitrate_kbps=settings.bitrate_kbps,
        rate_wpm=settings.espeak_rate_wpm,
        loudness_lufs=settings.loudness_lufs,
        true_peak_dbtp=settings.true_peak_dbtp,
    )


def _gtts(settings: Settings) -> Engine:
    return GttsEngine(
        base_url=settings.gtts_url,
        timeout=settings.gtts_timeout,
        probe_timeout=settings.gtts_probe_timeout,
    )


def _fake(settings: Settings) -> Engine:
    return FakeEngine(sample_rate=settings.sample_rate, bitrate_kbps=settings.bitrate_kbps)


_registry: dict[str, Registration] = {
    "espeak": Registration(_espeak, tuple(espeak.VOICES)),
    "gtts": Registration(_gtts, GTTS_VOICES),
    "fake": Registration(_fake, tuple(fake.VOICES)),
}
_cache: dict[tuple[str, str], Engine] = {}
_cache_lock = threading.Lock()


def register(name: str, factory: EngineFactory, *, voices: tuple[str, ...]) -> None:
    """Add (or replace) engine ``name``; ``voices`` are the voices it offers."""
    if name == AUTO:
        raise ValueError("'auto' is the policy, not an engine")
    _registry[name] = Registration(factory, tuple(voices))
    clear_engine_cache()


@contextlib.contextmanager
def registered(
    name: str, factory: EngineFactory, *, voices: tuple[str, ...] | None = None
) -> Iterator[None]:
    """Engine ``name`` is ``factory`` inside the block, and what it was before afterwards."""
    before = _registry.get(name)
    register(name, factory, voices=voices if voices is not None else _voices_of(before))
    try:
        yield
    finally:
        if before is None:
            _registry.pop(name, None)
        else:
            _registry[name] = before
        clear_engine_cache()


def _voices_of(registration: Registration | None) -> tuple[str, ...]:
    return registration.voices if registration else ("vi",)


def engine_names() -> tuple[str, ...]:
    """Names ``get_engine`` accepts (not "auto", which ``choose`` resolves)."""
    return tuple(_registry)


def known_voices() -> tuple[str, ...]:
    """Every voice an engine offers, in registration order: what a post may ask for."""
    seen: dict[str, None] = {}
    for registration in _registry.values():
        seen.update(dict.fromkeys(registration.voices))
    return tuple(seen)


def _settings_key(settings: Settings) -> str:
    return settings.model_dump_json()


def get_engine(name: str, settings: Settings | None = None) -> Engine:
    """The process's engine ``name`` for these settings (built once, then reused).

    Raises ValueError for an unknown name.
    """
    registration = _registry.get(name)
    if registration is None:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(_registry)}")
    settings = settings or get_settings()
    key = (name, _settings_key(settings))
    with _cache_lock:
        engine = _cache.get(key)
        if engine is None:
            engine = _cache[key] = registration.factory(settings)
            log.debug("engine %s created", name)
        return engine


def _with_voice(engine: Engine, voice: str | None, note: str | None) -> Selection:
    use = voice if voice is not None and voice in engine.voices else engine.default_voice
    return Selection(engine, use, note)


def choose(
    settings: Settings, voice: str | None = None, *, choice: str | None = None, probe: bool = True
) -> Selection:
    """The engine and voice to synthesize an article with.

    ``choice`` defaults to ``settings.engine``. Any choice but "auto" is taken as is. "auto"
    takes Google when its probe answers (``probe=False``: offline, without asking), else
    espeak with a note like "google unreachable: ..."; a voice Google does not offer means
    espeak, so auto never changes the voice a site asked for.
    """
    choice = choice or settings.engine
    if choice != AUTO:
        return _with_voice(get_engine(choice, settings), voice, None)
    if not probe:
        return _with_voice(get_engine(OFFLINE_FALLBACK, settings), voice, None)
    google = get_engine(ONLINE, settings)
    if voice is not None and voice not in google.voices:
        note = f"voice {voice} is offered by {OFFLINE_FALLBACK} only"
        return _with_voice(get_engine(OFFLINE_FALLBACK, settings), voice, note)
    if google.available():
        return _with_voice(google, voice, None)
    detail = getattr(google, "last_error", None) or "probe failed"
    reason = f"google unreachable: {detail}"
    log.info("auto engine: %s; using %s", reason, OFFLINE_FALLBACK)
    return _with_voice(get_engine(OFFLINE_FALLBACK, settings), voice, reason)


def fallback(
    settings: Settings, selection: Selection, voice: str | None, error: Exception
) -> Selection | None:
    """What to use after ``selection``'s engine failed midway with ``error``, or None when
    the failure stands (not auto mode, or already offline): the caller then raises it."""
    if settings.engine != AUTO or selection.engine.name == OFFLINE_FALLBACK:
        return None
    note = f"{selection.engine.name} failed midway ({error}); used {OFFLINE_FALLBACK}"
    return _with_voice(get_engine(OFFLINE_FALLBACK, settings), voice, note)


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
