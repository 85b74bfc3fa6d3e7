"""The storage key layout, in one place: where an article's audio and the segment cache live.

articles/<article id>/r<revision>.mp3          an article's audio, one file per revision
cache/<engine>/<voice>/<2 hex>/<sha256>.mp3    one segment's audio, by its spoken text
clips/<engine>/<voice>/<2 hex>/<sha256>-p<ms>.mp3  that audio followed by a pause of <ms> ms,
                                               as served to players (rebuilt from the cache)
"""

from __future__ import annotations

import hashlib


def article_prefix(article_id: str) -> str:
    """Everything stored for one article lives under this prefix."""
    return f"articles/{article_id}"


def article_audio_key(article_id: str, revision: int) -> str:
    """The audio file of one revision of an article."""
    return f"{article_prefix(article_id)}/r{revision}.mp3"


def segment_cache_key(engine_name: str, voice: str, text: str) -> str:
    """The cached audio of one segment, keyed by (engine, voice, spoken text)."""
    digest = hashlib.sha256(f"{engine_name}\0{voice}\0{text}".encode()).hexdigest()
    return f"cache/{engine_name}/{voice}/{digest[:2]}/{digest}.mp3"


def clip_with_pause_key(cache_key: str, pause_ms: int) -> str:
    """Where the served clip of a cached segment followed by ``pause_ms`` of silence is kept."""
    stem = cache_key.removeprefix("cache/").removesuffix(".mp3")
    return f"clips/{stem}-p{pause_ms}.mp3"
