"""The segment cache: audio by (engine, voice, spoken text), and word timings beside it.

A clip with word timings (``TimedClip``) is stored as its MP3 plus ``<key>.words.json``; the
JSON is written first, so a reader who finds the MP3 finds its words too.
"""

from __future__ import annotations

import json
import logging

from loa.audio import mp3
from loa.audio.clip import AudioClip, AudioFormat
from loa.engines.base import TimedClip, WordTiming, words_of
from loa.storage.base import Storage

log = logging.getLogger(__name__)


def words_key(key: str) -> str:
    return key.removesuffix(".mp3") + ".words.json"


def read_cached(storage: Storage, key: str) -> AudioClip | None:
    """The cached clip, or None (absent or damaged)."""
    data = storage.read(key)
    if not data:
        return None
    frames = mp3.audio_frames(data)  # one pass over the frames for duration and format
    if not frames:
        log.warning("damaged cache entry %s; synthesizing again", key)
        return None
    first = frames[0].header
    duration = len(frames) * first.samples / first.sample_rate
    same_rate = all(f.header.bitrate_kbps == first.bitrate_kbps for f in frames)
    fmt = AudioFormat(
        sample_rate=first.sample_rate,
        channels=first.channels,
        bitrate_kbps=first.bitrate_kbps if same_rate else None,
    )
    raw_words = storage.read(words_key(key))
    if raw_words is None:
        return AudioClip(mp3=data, duration=duration, format=fmt)
    words = tuple(
        WordTiming(str(w["text"]), float(w["start"]), float(w["duration"]))
        for w in json.loads(raw_words)
    )
    return TimedClip(mp3=data, duration=duration, format=fmt, words=words)


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
