"""The stages, composed: load -> prepare (normalize + segment) -> synthesize -> assemble.

Each function here is plain: the Celery task, the CLI and the tests call the same code.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loa import counters
from loa.audio.assemble import assemble
from loa.audio.mp3 import describe, frames_duration
from loa.config import Settings
from loa.engines.base import AudioClip, Engine
from loa.storage.base import Storage
from loa.text.extract import extract_html, extract_plain_text
from loa.text.lexicon import apply_lexicon
from loa.text.model import ExtractedArticle, Segment
from loa.text.normalize import find_abbreviation_definitions, normalize
from loa.text.segment import segment_article

logger = logging.getLogger(__name__)


def load_article(
    source_kind: str,
    source: str,
    *,
    title: str | None,
    url: str | None,
    settings: Settings,
) -> ExtractedArticle:
    """Turn what a client posted (text, HTML or a URL) into an ExtractedArticle."""
    from loa.text.fetch import fetch_url, parse_allow_hosts

    if source_kind == "text":
        article = extract_plain_text(source, title=title)
    elif source_kind == "html":
        article = extract_html(
            source, url=url, max_bytes=settings.max_html_bytes, max_depth=settings.max_html_depth
        )
    elif source_kind == "url":
        page = fetch_url(
            url or "",
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            allow_hosts=parse_allow_hosts(settings.fetch_allow_hosts),
        )
        article = extract_html(
            page.content,
            url=page.final_url,
            charset=page.charset,
            max_bytes=settings.max_html_bytes,
            max_depth=settings.max_html_depth,
        )
    else:  # pragma: no cover - guarded by the API schema
        raise ValueError(f"unknown source kind {source_kind!r}")
    if title and title.strip() and source_kind != "text":
        article.title = title.strip()
    return article


def make_normalizer(
    full_text: str, *, region: str, lexicon: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """The str -> str function for one article: site lexicon first, then the built-in rules,
    with the abbreviations the article defines itself."""
    definitions = find_abbreviation_definitions(full_text)
    lexicon = dict(lexicon or {})

    def normalize_for_article(text: str) -> str:
        if lexicon:
            text = apply_lexicon(text, lexicon)
        return normalize(text, region=region, abbreviations=definitions)

    return normalize_for_article


def prepare_segments(
    article: ExtractedArticle,
    *,
    max_chars: int,
    region: str = "north",
    lexicon: Mapping[str, str] | None = None,
    captions: bool = False,
) -> list[Segment]:
    """Normalize and segment an article for an engine whose requests hold ``max_chars``."""
    normalizer = make_normalizer(article.to_text(captions), region=region, lexicon=lexicon)
    return segment_article(article, max_chars=max_chars, normalize=normalizer, captions=captions)


def segment_cache_key(engine: Engine, voice: str, text: str) -> str:
    digest = hashlib.sha256(f"{engine.name}\0{voice}\0{text}".encode()).hexdigest()
    return f"cache/{engine.name}/{voice}/{digest[:2]}/{digest}.mp3"


def synthesize_segment(engine: Engine, voice: str, text: str, storage: Storage) -> AudioClip:
    """Synthesize one segment, or reuse it: audio is cached by (engine, voice, spoken text)."""
    key = segment_cache_key(engine, voice, text)
    cached = storage.read(key)
    if cached:
        try:
            hit = AudioClip(mp3=cached, duration=frames_duration(cached), format=describe(cached))
            counters.add(counters.CACHE_HITS, engine.name)
            return hit
        except ValueError:
            logger.warning("damaged cache entry %s; synthesizing again", key)
    started = time.perf_counter()
    clip = engine.synthesize(text, voice)
    counters.record_synthesis(engine.name, time.perf_counter() - started)
    # the cache can be rebuilt: no fsync (the article's MP3 itself is written durably)
    storage.write(key, clip.mp3, durable=False)
    return clip


def pause_seconds(pause_after: str, settings: Settings) -> float:
    if pause_after == "paragraph":
        return settings.paragraph_pause_ms / 1000
    if pause_after == "sentence":
        return settings.sentence_pause_ms / 1000
    if pause_after == "clause":
        return min(0.12, settings.sentence_pause_ms / 1000)
    return 0.0


@dataclass
class ArticleAudio:
    mp3: bytes
    duration: float
    playlist: dict[str, Any]


def assemble_article(
    segments: Sequence[Segment],
    clips: Sequence[AudioClip],
    settings: Settings,
    *,
    source_text: str,
) -> ArticleAudio:
    """Join the clips with pauses and build the playlist (text, start and duration a segment)."""
    pauses = [pause_seconds(s.pause_after, settings) for s in segments]
    if pauses:
        pauses[-1] = 0.0
    joined = assemble(list(clips), pauses)
    items = []
    for seg, (start, duration) in zip(segments, joined.offsets, strict=True):
        items.append(
            {
                "index": seg.index,
                "text": source_text[seg.start : seg.end].strip(),
                "spoken": seg.text,
                "start": round(start, 3),
                "duration": round(duration, 3),
                "paragraph": seg.paragraph,
                "sentence": seg.sentence,
                "kind": seg.kind,
                "char_start": seg.start,
                "char_end": seg.end,
            }
        )
    playlist = {"duration": round(joined.duration, 3), "segments": items}
    return ArticleAudio(mp3=joined.mp3, duration=joined.duration, playlist=playlist)
