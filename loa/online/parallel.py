"""Synthesis of one article's segments: in parallel for online engines (bounded, first segments
first), through the segment cache, with claims so that no segment is synthesized twice at once.

``synthesize_all`` is what ``render_article`` calls; with ``concurrency`` 1 and no claims it is
the plain loop (offline engines: espeak runs in this process, one segment at a time).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loa.audio.clip import AudioClip
from loa.engines.base import Engine
from loa.engines.cache import read_cached, write_cached
from loa.online.claims import SegmentClaims
from loa.online.counters import Counters
from loa.storage.base import Storage
from loa.storage.keys import segment_cache_key

log = logging.getLogger(__name__)


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
    key = segment_cache_key(engine.name, voice, text)
    while True:
        clip = read_cached(storage, key)
        if clip is not None:
            counters.add(from_cache=1)
            return clip
        if claims is None:
            return write_cached(storage, key, engine.synthesize(text, voice))
        if claims.claim(key):
            try:
                clip = read_cached(storage, key)  # written between our read and our claim
                if clip is not None:
                    counters.add(from_cache=1)
                    return clip
                return write_cached(storage, key, engine.synthesize(text, voice))
            finally:
                claims.release(key)
        claims.wait_released(key, lambda: storage.exists(key))


def synthesize_all(
    engine: Engine,
    voice: str,
    texts: Sequence[str],
    storage: Storage,
    options: SynthesisOptions,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[AudioClip]:
    """Every text's clip, in order. ``on_progress(done, total)`` is called (in this thread)
    whenever the run of finished segments from the first one grows: ``done`` segments can be
    played. The first error stops the rest (queued segments are not sent) and is raised."""
    total = len(texts)

    def one(text: str) -> AudioClip:
        return cached_or_synthesized(
            engine, voice, text, storage, claims=options.claims, counters=options.counters
        )

    if options.concurrency <= 1:
        clips: list[AudioClip] = []
        for text in texts:
            clips.append(one(text))
            if on_progress:
                on_progress(len(clips), total)
        return clips

    results: list[AudioClip | None] = [None] * total
    done_prefix = 0
    pool = cf.ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="loa-synth")
    try:
        # submitted in order and taken FIFO by the pool: the first segments go out first
        futures = {pool.submit(one, text): index for index, text in enumerate(texts)}
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
