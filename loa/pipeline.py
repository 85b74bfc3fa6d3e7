"""The stages, composed: load -> prepare (normalize + segment) -> synthesize -> assemble -> tag.

``render_article`` is the one composition: the job, ``loa say`` and bench/ all call it. Each
function here is plain: the Celery task, the CLI and the tests call the same code.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from loa.audio.assemble import assemble
from loa.audio.clip import AudioClip
from loa.audio.tags import tag_mp3
from loa.config import Settings
from loa.engines.base import Engine, words_of
from loa.errors import InputError
from loa.online.counters import Counters
from loa.online.parallel import SynthesisOptions, cached_or_synthesized, synthesize_all
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


def synthesize_segment(engine: Engine, voice: str, text: str, storage: Storage) -> AudioClip:
    """Synthesize one segment, or reuse it: audio is cached by (engine, voice, spoken text)."""
    return cached_or_synthesized(engine, voice, text, storage, claims=None, counters=Counters())


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
    items: list[dict[str, Any]] = []
    for seg, clip, (start, duration) in zip(segments, clips, joined.offsets, strict=True):
        item: dict[str, Any] = {
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
        words = words_of(clip)
        if words:  # engines with word timings (edge): seconds from the article's start
            item["words"] = [
                {"text": w.text, "start": round(start + w.start, 3), "duration": w.duration}
                for w in words
            ]
        items.append(item)
    playlist = {"duration": round(joined.duration, 3), "segments": items}
    return ArticleAudio(mp3=joined.mp3, duration=joined.duration, playlist=playlist)


@dataclass(frozen=True)
class Tags:
    """What the finished MP3's ID3 tag says (title falls back to the article's)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    date: str | dt.date | dt.datetime | None = None


@dataclass
class RenderedArticle:
    mp3: bytes  # tagged, ready to store or write
    duration: float
    playlist: dict[str, Any]
    segments: list[Segment]
    counters: dict[str, int] = field(default_factory=dict)  # the job fills these two
    upgrade_pending: bool = False


NOTHING_SPEAKABLE = "nothing speakable in the article"


def render_article(
    article: ExtractedArticle,
    engine: Engine,
    voice: str,
    settings: Settings,
    *,
    storage: Storage,
    lexicon: Mapping[str, str] | None = None,
    captions: bool = False,
    tags: Tags | None = None,
    on_prepared: Callable[[list[Segment]], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    synthesis: SynthesisOptions | None = None,
) -> RenderedArticle:
    """An article as one tagged MP3 and its playlist: prepare -> synthesize -> assemble -> tag.

    ``storage`` holds the segment cache. ``on_prepared`` sees the segments before the first
    engine call, ``on_progress`` (done, total) whenever the run of finished segments from the
    first grows. ``synthesis`` says how many segments may be in flight at once (online engines),
    and carries the segment claims and the counters (default: one at a time, no claims).
    Raises InputError (field "text") when nothing in the article can be spoken; engine errors
    pass through.
    """
    region = engine.region_of_voice.get(voice, "north")
    segments = prepare_segments(
        article, max_chars=engine.max_chars, region=region, lexicon=lexicon, captions=captions
    )
    if not segments:
        raise InputError(NOTHING_SPEAKABLE, field="text")
    if on_prepared:
        on_prepared(segments)
    clips = synthesize_all(
        engine,
        voice,
        [seg.text for seg in segments],
        storage,
        synthesis or SynthesisOptions(),
        on_progress,
    )
    audio = assemble_article(segments, clips, settings, source_text=article.to_text(captions))
    tags = tags or Tags()
    mp3 = tag_mp3(
        audio.mp3,
        title=tags.title or article.title or "Loa",
        artist=tags.artist,
        album=tags.album,
        date=tags.date,
    )
    return RenderedArticle(mp3, audio.duration, audio.playlist, segments)
