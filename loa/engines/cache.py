"""The segment cache: audio by (engine, voice, spoken text), and word timings beside it.

A clip with word timings (``TimedClip``) is stored as its MP3 plus ``<key>.words.json``; the
JSON is written first, so a reader who finds the MP3 finds its words too.
"""

from __future__ import annotations

import json
import logging

from loa.audio.clip import AudioClip
from loa.engines.base import Engine, TimedClip, WordTiming, words_of
from loa.engines.clips import bare_clip
from loa.storage.base import Storage
from loa.storage.keys import segment_cache_key

log = logging.getLogger(__name__)


def cache_name(engine: Engine) -> str:
    """The engine's name in segment cache keys, with ``finishing``: every setting of it that
    changes the audio (espeak: speech rate, sample rate, bitrate, loudness finishing; edge: its
    speaking rate), so a changed setting never reuses clips made with another. gtts has no
    such setting."""
    finishing = str(getattr(engine, "finishing", "") or "")
    return f"{engine.name}-{finishing}" if finishing else engine.name


def clip_key(engine: Engine, voice: str, text: str) -> str:
    """Where one segment's audio is cached."""
    return segment_cache_key(cache_name(engine), voice, text)


def words_key(key: str) -> str:
    return key.removesuffix(".mp3") + ".words.json"


def read_cached(storage: Storage, key: str) -> AudioClip | None:
    """The cached clip, or None (absent or damaged)."""
    data = storage.read(key)
    if not data:
        return None
    clip = bare_clip(data)
    if clip is None:
        log.warning("damaged cache entry %s; synthesizing again", key)
        return None
    raw_words = storage.read(words_key(key))
    if raw_words is None:
        return clip
    words = tuple(
        WordTiming(str(w["text"]), float(w["start"]), float(w["duration"]))
        for w in json.loads(raw_words)
    )
    return TimedClip(mp3=clip.mp3, duration=clip.duration, format=clip.format, words=words)


def write_cached(storage: Storage, key: str, clip: AudioClip) -> AudioClip:
    """Store ``clip`` under ``key`` (no fsync: the cache can be rebuilt) and return it."""
    words = words_of(clip)
    if words:
        payload = [{"text": w.text, "start": w.start, "duration": w.duration} for w in words]
        storage.write(
            words_key(key), json.dumps(payload, ensure_ascii=False).encode(), durable=False
        )
    storage.write(key, clip.mp3, durable=False)
    return clip
