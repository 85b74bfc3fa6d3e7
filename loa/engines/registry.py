"""Engines by name, and the engine policy: the one place that decides which engine speaks.

- ``register(name, factory, voices=...)`` adds an engine; ``registered(...)`` does so for the
  length of a ``with`` block (tests swap engines this way, never by patching private tables).
- ``get_engine(name, settings)`` builds an engine once per process and settings.
- ``known_voices()`` is the voice list the API accepts: every voice some engine offers;
  ``voices_by_engine()`` says which engine offers which.
- ``choose(settings, voice)`` is the "auto" policy: the first engine of ``LOA_ENGINE_ORDER``
  (e.g. edge,gtts,espeak; the last one is the offline fallback) that offers the voice asked for
  and is healthy. Healthy is what ``healthy(engine)`` says (workers pass the shared circuit
  breaker's view), else the engine's own quick probe (gtts: cached ~60 s). It never changes a
  voice an engine offers.
- ``fallback(settings, selection, voice, error)``: when the chosen engine fails midway, in auto
  mode, the whole article moves to the next healthy engine of the order, the offline one at the
  latest (one engine per article, so its clips byte-join).
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
from loa.engines.edge import EDGE_VOICES, EdgeEngine
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


def _edge(settings: Settings) -> Engine:
    return EdgeEngine(settings.edge_tts_url, timeout=settings.edge_timeout, rate=settings.edge_rate)


def _fake(settings: Settings) -> Engine:
    return FakeEngine(sample_rate=settings.sample_rate, bitrate_kbps=settings.bitrate_kbps)


_registry: dict[str, Registration] = {
    "espeak": Registration(_espeak, tuple(espeak.VOICES)),
    "gtts": Registration(_gtts, GTTS_VOICES),
    "edge": Registration(_edge, tuple(EDGE_VOICES)),
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


def voices_by_engine() -> dict[str, tuple[str, ...]]:
    """Each registered engine's voices."""
    return {name: registration.voices for name, registration in _registry.items()}


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


HealthCheck = Callable[[Engine], bool]
ENDPOINT_LABEL = {"gtts": "google", "edge": "edge-tts"}  # how notes name an engine's endpoint


def engine_order(settings: Settings) -> tuple[str, ...]:
    """Auto mode's engines, best first; the last one is the offline fallback."""
    names = tuple(n.strip() for n in settings.engine_order.split(",") if n.strip())
    known = tuple(n for n in names if n in _registry and n != AUTO)
    if not known or known[-1] != OFFLINE_FALLBACK:
        known = tuple(n for n in known if n != OFFLINE_FALLBACK) + (OFFLINE_FALLBACK,)
    return known


def _pick(
    settings: Settings,
    names: tuple[str, ...],
    voice: str | None,
    healthy: HealthCheck | None,
    notes: list[str],
) -> Selection:
    """The first healthy engine of ``names`` that offers ``voice``, else the offline one."""
    for name in names[:-1]:
        engine = get_engine(name, settings)
        if voice is not None and voice not in engine.voices:
            continue
        ok = healthy(engine) if healthy is not None else engine.available()
        if ok:
            return _with_voice(engine, voice, "; ".join(notes) or None)
        detail = getattr(engine, "last_error", None) or "probe failed"
        notes.append(f"{ENDPOINT_LABEL.get(name, name)} unreachable: {detail}")
    offline = names[-1]
    if not notes and voice is not None:
        notes.append(f"voice {voice} is offered by {offline} only")
    if notes:
        log.info("auto engine: %s; using %s", "; ".join(notes), offline)
    return _with_voice(get_engine(offline, settings), voice, "; ".join(notes) or None)


def choose(
    settings: Settings,
    voice: str | None = None,
    *,
    choice: str | None = None,
    probe: bool = True,
    healthy: HealthCheck | None = None,
) -> Selection:
    """The engine and voice to synthesize an article with.

    ``choice`` defaults to ``settings.engine``. Any choice but "auto" is taken as is. "auto"
    takes the first engine of the order that offers the voice and is healthy (``probe=False``:
    the offline engine, without asking), else the offline one with a note like
    "google unreachable: ..."; a voice only the offline engine offers means that engine, so
    auto never changes the voice a site asked for.
    """
    choice = choice or settings.engine
    if choice != AUTO:
        return _with_voice(get_engine(choice, settings), voice, None)
    order = engine_order(settings)
    if not probe:
        return _with_voice(get_engine(order[-1], settings), voice, None)
    return _pick(settings, order, voice, healthy, [])


def fallback(
    settings: Settings,
    selection: Selection,
    voice: str | None,
    error: Exception,
    *,
    healthy: HealthCheck | None = None,
) -> Selection | None:
    """What to use after ``selection``'s engine failed midway with ``error``, or None when
    the failure stands (not auto mode, or already offline): the caller then raises it."""
    order = engine_order(settings)
    if settings.engine != AUTO or selection.engine.name == order[-1]:
        return None
    failed = selection.engine.name
    rest = order[order.index(failed) + 1 :] if failed in order else order[-1:]
    chosen = _pick(settings, rest, voice, healthy, [])
    label = ENDPOINT_LABEL.get(failed, failed)
    note = f"{failed} failed midway, {label} unreachable ({error}); used {chosen.engine.name}"
    return Selection(chosen.engine, chosen.voice, note)


def is_offline(settings: Settings, name: str) -> bool:
    """True for the engine auto mode falls back to."""
    return name == engine_order(settings)[-1]


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
