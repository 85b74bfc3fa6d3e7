"""The stages, composed: load -> prepare (normalize + segment) -> synthesize -> assemble -> tag.

``render_article`` is the one composition: the job, ``loa say`` and bench/ all call it. Each
function here is plain: the Celery task, the CLI and the tests call the same code.

Memory stays bounded by one clip, whatever the article's length: each synthesized clip goes to
the segment cache as it is made (only its format is kept), and the finished MP3 is streamed into
the store (tag, Info frame, then every clip read back from the cache in turn).

Loudness is finished without decoding the joined file: each clip's BS.1770 sub-block energies
and true peak are measured once when it is made (kept beside it in the cache), combined on the
article's timeline, and the article-level gain is applied to each clip's global_gain fields as
it streams (``loa.audio.gain``). espeak finishes its PCM per segment before LAME encodes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from loa import counters
from loa.audio import mp3
from loa.audio.assemble import assemble_into, clip_from_mp3, common_format
from loa.audio.chapters import Chapter, add_chapters, chapter_title
from loa.audio.clip import AudioClip, AudioFormat
from loa.audio.encode import silence
from loa.audio.gain import STEP_DB, apply_steps, choose_steps, coded_gains
from loa.audio.loudness import Loudness, SegmentLoudness, combine_segments, measure_segment
from loa.audio.tags import id3_tag
from loa.config import Settings
from loa.engines.base import Engine, WordTiming
from loa.engines.cache import cache_name as cache_name  # re-exported: the name tests use
from loa.engines.cache import clip_key
from loa.errors import InputError
from loa.online.parallel import SynthesisOptions, synthesize_all
from loa.publishing.playlists import content_address_of_file
from loa.storage.base import Storage
from loa.text.align import timed_words
from loa.text.extract import extract_html, extract_plain_text
from loa.text.lexicon import apply_lexicon
from loa.text.model import Block, ExtractedArticle, Segment
from loa.text.normalize import find_abbreviation_definitions, normalize
from loa.text.segment import segment_article

logger = logging.getLogger(__name__)

#: Clips measured at once in one process (the synthesis threads take turns): measuring is CPU
#: work, so more than the cores gains nothing, and each measurement holds the clip's samples
#: and a batch of interpolation windows (~10 MB for a 5 s clip).
MEASURING_AT_ONCE = threading.BoundedSemaphore(2)


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
    key = clip_key(engine, voice, text)
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


def loudness_key(key: str) -> str:
    """Where a cached clip's loudness measurement is kept: beside it."""
    return key.removesuffix(".mp3") + ".loudness.json"


def segment_loudness(
    engine: Engine, voice: str, text: str, clip: AudioClip, storage: Storage
) -> SegmentLoudness:
    """The clip's loudness (``loa.audio.loudness.measure_segment``): measured once, when the
    clip is made, and kept beside it in the cache."""
    key = loudness_key(clip_key(engine, voice, text))
    stored = storage.read(key)
    if stored:
        try:
            record = SegmentLoudness.from_json(json.loads(stored))
            if abs(record.duration - clip.duration) < 0.2:
                return record
        except (ValueError, KeyError, TypeError):
            logger.warning("damaged loudness record %s; measuring again", key)
    record = measure_segment(clip.mp3)
    storage.write(key, json.dumps(record.to_json()).encode(), durable=False)
    return record


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
    reader_texts: Sequence[str | None] | None = None,
) -> dict[str, Any]:
    """The playlist: text, start and duration a segment, and the total. ``words`` (engines
    with word timings: edge) gives each segment ``words`` in seconds from the audio's start,
    each placed in the segment's ``text`` (``offset``/``length``, see ``loa.text.align``).

    ``reader_texts[i]``, when given and not None, is segment i's text as the reader sees it
    (an intro or outro, which is not part of ``source_text``)."""
    items: list[dict[str, Any]] = []
    texts = list(reader_texts) if reader_texts is not None else [None] * len(segments)
    for index, (seg, (start, seconds), own) in enumerate(
        zip(segments, offsets, texts, strict=True)
    ):
        item: dict[str, Any] = {
            "index": seg.index,
            "text": (own if own is not None else source_text[seg.start : seg.end]).strip(),
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
            item["words"] = timed_words(item["text"], timed, start)
        items.append(item)
    return {"duration": round(duration, 3), "segments": items}


@dataclass(frozen=True)
class Tags:
    """What the finished MP3's ID3 tag says (title falls back to the article's)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    date: str | dt.date | dt.datetime | None = None
    cover: bytes | None = None  # the site's artwork (APIC)
    cover_type: str = "image/png"


@dataclass
class RenderedArticle:
    key: str  # where the tagged MP3 was stored
    size: int  # its length in bytes
    duration: float
    playlist: dict[str, Any]
    segments: list[Segment]
    address: str = ""  # content address of the stored MP3 (its immutable URL)
    loudness: Loudness | None = None  # as finished (the gain steps are exact)
    gain_steps: int = 0
    counters: dict[str, int] = field(default_factory=dict)  # the job fills these two
    upgrade_pending: bool = False


NOTHING_SPEAKABLE = "nothing speakable in the article"


def spoken_frame_segments(
    text: str | None, kind: str, *, max_chars: int, normalizer: Callable[[str], str]
) -> list[tuple[Segment, str]]:
    """An intro or outro as segments (kind "intro"/"outro"), each with its reader's text."""
    if not text or not text.strip():
        return []
    frame = ExtractedArticle(title="", blocks=[Block("body", text)])
    out: list[tuple[Segment, str]] = []
    for seg in segment_article(frame, max_chars=max_chars, normalize=normalizer):
        reader = frame.to_text()[seg.start : seg.end]
        # the playlist's kind says intro/outro; BlockKind is the article's own kinds only
        out.append((dataclasses.replace(seg, kind=kind), reader))  # type: ignore[arg-type]
    return out


def with_frame(
    segments: list[Segment],
    intro: list[tuple[Segment, str]],
    outro: list[tuple[Segment, str]],
) -> tuple[list[Segment], list[str | None]]:
    """Intro, article, outro as one sequence indexed from 0, with the reader's texts of the
    intro's and outro's segments (None: the article's own)."""
    ordered: list[tuple[Segment, str | None]] = [
        *intro,
        *((s, None) for s in segments),
        *outro,
    ]
    out = [dataclasses.replace(seg, index=i) for i, (seg, _) in enumerate(ordered)]
    return out, [text for _, text in ordered]


def paragraph_chapters(playlist: dict[str, Any]) -> list[Chapter]:
    """One chapter a paragraph (the intro and the outro are chapters of their own)."""
    chapters: list[Chapter] = []
    key: tuple[str, int] | None = None
    for item in playlist.get("segments", []):
        item_key = (str(item["kind"]), int(item["paragraph"]))
        end = float(item["start"]) + float(item["duration"])
        if item_key != key:
            chapters.append(Chapter(float(item["start"]), end, chapter_title(item["text"])))
            key = item_key
        else:
            last = chapters[-1]
            chapters[-1] = Chapter(last.start, end, last.title)
    return chapters


def predicted_offsets(
    durations: Sequence[float], pauses: Sequence[float], fmt: AudioFormat
) -> tuple[list[tuple[float, float]], float]:
    """Each clip's (start, duration) and the total, counted in frames exactly as
    ``assemble_into`` will lay them out (known before the file is written)."""
    spf = mp3.samples_per_frame(fmt.sample_rate)
    frames = 0
    offsets: list[tuple[float, float]] = []
    for duration, pause in zip(durations, pauses, strict=True):
        count = round(duration * fmt.sample_rate / spf)
        offsets.append((frames * spf / fmt.sample_rate, count * spf / fmt.sample_rate))
        frames += count
        if pause > 0:
            frames += round(silence(pause, fmt).duration * fmt.sample_rate / spf)
    return offsets, frames * spf / fmt.sample_rate


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
    intro: str | None = None,
    outro: str | None = None,
    on_prepared: Callable[[list[Segment]], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    synthesis: SynthesisOptions | None = None,
) -> RenderedArticle:
    """An article as one finished, tagged MP3, stored at ``key`` in ``storage``, and its
    playlist: prepare -> synthesize (and measure) -> gain -> tag -> assemble.

    ``storage`` also holds the segment cache. ``intro``/``outro`` (the site's) are spoken with
    the same engine and voice before and after the article. The MP3 is brought to
    ``LOA_LOUDNESS_LUFS`` (true peak at most ``LOA_TRUE_PEAK_DBTP``) in global_gain steps
    from the clips' own measurements: nothing is decoded or re-encoded. Its ID3 tag carries
    the title, artist, album, date, cover and one chapter a paragraph. ``on_prepared`` sees
    the segments before the first engine call, ``on_progress`` (done, total) whenever the run
    of finished segments from the first grows. ``synthesis`` says how many segments may be in
    flight at once (online engines) and carries the segment claims and counters (default: one
    at a time). The MP3 appears at ``key`` whole or not at all. Raises InputError (field
    "text") when nothing in the article can be spoken; engine and storage errors pass through.
    """
    region = engine.region_of_voice.get(voice, "north")
    source_text = article.to_text(captions)
    normalizer = make_normalizer(source_text, region=region, lexicon=lexicon)
    body = segment_article(
        article, max_chars=engine.max_chars, normalize=normalizer, captions=captions
    )
    if not body:
        raise InputError(NOTHING_SPEAKABLE, field="text")
    segments, reader_texts = with_frame(
        body,
        spoken_frame_segments(intro, "intro", max_chars=engine.max_chars, normalizer=normalizer),
        spoken_frame_segments(outro, "outro", max_chars=engine.max_chars, normalizer=normalizer),
    )
    if on_prepared:
        on_prepared(segments)
    # each clip goes to the cache as it is made, and is measured (loudness, coded gains) in
    # the thread that got it, while later segments are still being synthesized; only its
    # format, duration and words are kept
    loudness: list[SegmentLoudness | None] = [None] * len(segments)
    gain_ranges: list[tuple[int, int] | None] = [None] * len(segments)

    def measure_clip(index: int, clip: AudioClip) -> None:
        with MEASURING_AT_ONCE:
            loudness[index] = segment_loudness(engine, voice, segments[index].text, clip, storage)
        gains = coded_gains(clip.mp3)
        gain_ranges[index] = (min(gains), max(gains)) if gains else None

    made = synthesize_all(
        engine,
        voice,
        [seg.text for seg in segments],
        storage,
        synthesis or SynthesisOptions(),
        on_progress,
        on_clip=measure_clip,
    )
    measured = [m for m in loudness if m is not None]
    if len(measured) != len(segments):  # never expected: every clip passes measure_clip
        raise RuntimeError("a segment was synthesized but not measured")
    ranges = [r for r in gain_ranges if r is not None]
    # the coded granules' global_gain range, over all clips
    gain_low = min((low for low, _ in ranges), default=255)
    gain_high = max((high for _, high in ranges), default=0)

    fmt = common_format(m[0] for m in made)
    pauses = pauses_for(segments, settings)
    offsets, duration = predicted_offsets([m[1] for m in made], pauses, fmt)
    before = combine_segments(
        [(start, m) for (start, _), m in zip(offsets, measured, strict=True)], duration
    )
    allowed = (-gain_low, 255 - gain_high) if gain_high >= gain_low else (0, 0)
    steps = choose_steps(before, settings.loudness_lufs, settings.true_peak_dbtp, allowed)
    words = [m[2] for m in made]

    def clips() -> Iterator[AudioClip]:
        """The clips again, one at a time, from the cache (made again if it lost one), with
        the article's gain steps."""
        for seg, (clip_format, clip_duration, _words) in zip(segments, made, strict=True):
            cached = storage.read(clip_key(engine, voice, seg.text))
            if cached:
                clip = AudioClip(mp3=cached, duration=clip_duration, format=clip_format)
            else:
                clip = synthesize_segment(engine, voice, seg.text, storage)
            yield dataclasses.replace(clip, mp3=apply_steps(clip.mp3, steps))

    playlist = build_playlist(
        segments, offsets, duration, source_text=source_text, words=words, reader_texts=reader_texts
    )
    tags = tags or Tags()
    title = tags.title or article.title or "Loa"
    tag = id3_tag(
        title=title,
        artist=tags.artist,
        album=tags.album,
        date=tags.date,
        cover=tags.cover,
        cover_type=tags.cover_type,
    )
    tag = add_chapters(tag, paragraph_chapters(playlist), toc_title=title)
    with storage.open_write(key) as out:
        out.write(tag)
        layout = assemble_into(out, clips(), pauses, fmt)
    if layout.offsets != offsets:  # never expected: the playlist follows the file itself
        logger.warning("article layout differs from the one predicted; playlist follows it")
        playlist = build_playlist(
            segments,
            layout.offsets,
            layout.duration,
            source_text=source_text,
            words=words,
            reader_texts=reader_texts,
        )
    path = storage.local_path(key)
    if path is not None:
        address = content_address_of_file(path)
    else:
        data = storage.read(key) or b""
        address = content_address_of_file(None, data)
    shift = steps * STEP_DB
    after = Loudness(before.integrated_lufs + shift, before.true_peak_dbtp + shift, duration)
    return RenderedArticle(
        key,
        len(tag) + layout.size,
        layout.duration,
        playlist,
        segments,
        address=address,
        loudness=after,
        gain_steps=steps,
    )
