"""Synthesis of one article's segments: in parallel for online engines (bounded, first segments
first), through the segment cache, with claims so that no segment is synthesized twice at once.

``synthesize_all`` is what ``render_article`` calls; with ``concurrency`` 1 and no claims it is
the plain loop (offline engines: espeak runs in this process, one segment at a time).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loa import counters as metrics
from loa.audio.clip import AudioClip, AudioFormat
from loa.engines.base import Engine, WordTiming, words_of
from loa.engines.cache import clip_key, read_cached, write_cached
from loa.online.claims import SegmentClaims
from loa.online.counters import Counters
from loa.storage.base import Storage

log = logging.getLogger(__name__)

Made = tuple[AudioFormat, float, tuple[WordTiming, ...]]  # a clip without its audio


@dataclass
class SynthesisOptions:
    """How one article is synthesized (the job fills it; ``loa say`` uses the defaults)."""

    concurrency: int = 1
    claims: SegmentClaims | None = None
    counters: Counters = field(default_factory=Counters)


def cached_or_synthesized(
    engine: Engine,
    voice: str,
    text: str,
    storage: Storage,
    *,
    claims: SegmentClaims | None,
    counters: Counters,
) -> AudioClip:
    """The segment's audio from the cache, or synthesized once (and cached)."""
    key = clip_key(engine, voice, text)
    while True:
        clip = _hit(storage, key, engine.name, counters)
        if clip is not None:
            return clip
        if claims is None:
            return _made(engine, voice, text, storage, key)
        with claims.held(key) as ours:
            if ours:
                clip = _hit(storage, key, engine.name, counters)  # written before our claim
                return clip if clip is not None else _made(engine, voice, text, storage, key)
        claims.wait_released(key, lambda: storage.exists(key))


def _hit(storage: Storage, key: str, engine: str, counters: Counters) -> AudioClip | None:
    clip = read_cached(storage, key)
    if clip is not None:
        counters.add(from_cache=1)
        metrics.add(metrics.CACHE_HITS, engine)
    return clip


def _made(engine: Engine, voice: str, text: str, storage: Storage, key: str) -> AudioClip:
    started = time.perf_counter()
    clip = engine.synthesize(text, voice)
    metrics.record_synthesis(engine.name, time.perf_counter() - started)
    return write_cached(storage, key, clip)


def synthesize_all(
    engine: Engine,
    voice: str,
    texts: Sequence[str],
    storage: Storage,
    options: SynthesisOptions,
    on_progress: Callable[[int, int], None] | None = None,
    on_clip: Callable[[int, AudioClip], None] | None = None,
) -> list[Made]:
    """Every text's clip in order, as (format, duration, words): the audio itself is in the
    cache (memory stays bounded by the clips in flight). ``on_clip(index, clip)`` sees each
    clip as soon as it is there, in the thread that got it (the caller measures it there,
    while other segments are still on the network). ``on_progress(done, total)`` is called
    (in this thread) whenever the run of finished segments from the first one grows: ``done``
    segments can be played. The first error stops the rest (queued segments are not sent) and
    is raised."""
    total = len(texts)

    def one(index: int, text: str) -> Made:
        clip = cached_or_synthesized(
            engine, voice, text, storage, claims=options.claims, counters=options.counters
        )
        if on_clip is not None:
            on_clip(index, clip)
        return clip.format, clip.duration, words_of(clip)

    if options.concurrency <= 1:
        made: list[Made] = []
        for index, text in enumerate(texts):
            made.append(one(index, text))
            if on_progress:
                on_progress(len(made), total)
        return made

    results: list[Made | None] = [None] * total
    done_prefix = 0
    pool = cf.ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="loa-synth")
    try:
        # submitted in order and taken FIFO by the pool: the first segments go out first
        futures = {pool.submit(one, index, text): index for index, text in enumerate(texts)}
        pending = set(futures)
        while pending:
            finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                results[futures[future]] = future.result()  # raises the segment's error
            before = done_prefix
            while done_prefix < total and results[done_prefix] is not None:
                done_prefix += 1
            if on_progress and done_prefix > before:
                on_progress(done_prefix, total)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [clip for clip in results if clip is not None]
