"""The stages, composed: load -> prepare (normalize + segment) -> synthesize -> assemble -> tag.

``render_article`` is the one composition: the job, ``loa say`` and bench/ all call it. Each
function here is plain: the Celery task, the CLI and the tests call the same code.

Memory stays bounded by one clip, whatever the article's length: each synthesized clip goes to
the segment cache as it is made (only its format is kept), and the finished MP3 is streamed into
the store (tag, Info frame, then every clip read back from the cache in turn).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from loa import counters
from loa.audio.assemble import assemble_into, clip_from_mp3, common_format
from loa.audio.clip import AudioClip
from loa.audio.tags import id3_tag
from loa.config import Settings
from loa.engines.base import Engine, WordTiming
from loa.errors import InputError
from loa.online.parallel import SynthesisOptions, synthesize_all
from loa.storage.base import Storage
from loa.storage.keys import segment_cache_key
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
    key = segment_cache_key(engine.name, voice, text)
    cached = storage.read(key)
    if cached:
        try:
            hit = clip_from_mp3(cached)
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


def pauses_for(segments: Sequence[Segment], settings: Settings) -> list[float]:
    """The silence after each segment; none after the last."""
    pauses = [pause_seconds(s.pause_after, settings) for s in segments]
    if pauses:
        pauses[-1] = 0.0
    return pauses


def build_playlist(
    segments: Sequence[Segment],
    offsets: Sequence[tuple[float, float]],
    duration: float,
    *,
    source_text: str,
    words: Sequence[Sequence[WordTiming]] | None = None,
) -> dict[str, Any]:
    """The playlist: text, start and duration a segment, and the total. ``words`` (engines
    with word timings: edge) gives each segment ``words`` in seconds from the audio's start."""
    items: list[dict[str, Any]] = []
    for index, (seg, (start, seconds)) in enumerate(zip(segments, offsets, strict=True)):
        item: dict[str, Any] = {
            "index": seg.index,
            "text": source_text[seg.start : seg.end].strip(),
            "spoken": seg.text,
            "start": round(start, 3),
            "duration": round(seconds, 3),
            "paragraph": seg.paragraph,
            "sentence": seg.sentence,
            "kind": seg.kind,
            "char_start": seg.start,
            "char_end": seg.end,
        }
        timed = words[index] if words else ()
        if timed:
            item["words"] = [
                {"text": w.text, "start": round(start + w.start, 3), "duration": w.duration}
                for w in timed
            ]
        items.append(item)
    return {"duration": round(duration, 3), "segments": items}


@dataclass(frozen=True)
class Tags:
    """What the finished MP3's ID3 tag says (title falls back to the article's)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    date: str | dt.date | dt.datetime | None = None


@dataclass
class RenderedArticle:
    key: str  # where the tagged MP3 was stored
    size: int  # its length in bytes
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
    key: str,
    lexicon: Mapping[str, str] | None = None,
    captions: bool = False,
    tags: Tags | None = None,
    on_prepared: Callable[[list[Segment]], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    synthesis: SynthesisOptions | None = None,
) -> RenderedArticle:
    """An article as one tagged MP3, stored at ``key`` in ``storage``, and its playlist:
    prepare -> synthesize -> assemble -> tag.

    ``storage`` also holds the segment cache. ``on_prepared`` sees the segments before the
    first engine call, ``on_progress`` (done, total) whenever the run of finished segments from
    the first grows. ``synthesis`` says how many segments may be in flight at once (online
    engines) and carries the segment claims and counters (default: one at a time). The MP3
    appears at ``key`` whole or not at all. Raises InputError (field "text") when nothing in
    the article can be spoken; engine and storage errors pass through.
    """
    region = engine.region_of_voice.get(voice, "north")
    segments = prepare_segments(
        article, max_chars=engine.max_chars, region=region, lexicon=lexicon, captions=captions
    )
    if not segments:
        raise InputError(NOTHING_SPEAKABLE, field="text")
    if on_prepared:
        on_prepared(segments)
    # each clip goes to the cache as it is made; only its format, duration and words are kept
    made = synthesize_all(
        engine,
        voice,
        [seg.text for seg in segments],
        storage,
        synthesis or SynthesisOptions(),
        on_progress,
    )

    def clips() -> Iterator[AudioClip]:
        """The clips again, one at a time, from the cache (made again if it lost one)."""
        for seg, (fmt, duration, _words) in zip(segments, made, strict=True):
            cached = storage.read(segment_cache_key(engine.name, voice, seg.text))
            if cached:
                yield AudioClip(mp3=cached, duration=duration, format=fmt)
            else:
                yield synthesize_segment(engine, voice, seg.text, storage)

    tags = tags or Tags()
    tag = id3_tag(
        title=tags.title or article.title or "Loa",
        artist=tags.artist,
        album=tags.album,
        date=tags.date,
    )
    with storage.open_write(key) as out:
        out.write(tag)
        layout = assemble_into(
            out, clips(), pauses_for(segments, settings), common_format(m[0] for m in made)
        )
    playlist = build_playlist(
        segments,
        layout.offsets,
        layout.duration,
        source_text=article.to_text(captions),
        words=[m[2] for m in made],
    )
    return RenderedArticle(key, len(tag) + layout.size, layout.duration, playlist, segments)
