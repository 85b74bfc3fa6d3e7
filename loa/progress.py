"""The partial playlist of an article being made, for progressive playback.

While a job synthesizes an article, a player can already play the segments that are done. After
each segment the job's ``Recorder`` writes ``articles/<id>/progress-r<revision>.json`` with the
done segments: their text and position in the source (for highlighting), the segment cache key
of their audio (content-addressed, so its URL is immutable) and the pause that follows them.

Timings are counted in frames exactly as ``loa.audio.assemble`` counts them, so a segment starts
at the same second in the progressive stream (each clip followed by its pause, played in order)
and in the final file: a player can switch to the final file at the same position.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from time import monotonic
from typing import Any

from loa.audio import mp3
from loa.audio.clip import AudioFormat
from loa.audio.encode import frame_seconds, silence
from loa.config import Settings
from loa.engines.base import Engine, WordTiming
from loa.engines.cache import clip_key, words_key
from loa.pipeline import pause_seconds
from loa.storage.base import Storage
from loa.text.align import timed_words
from loa.text.model import Segment

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
WRITE_INTERVAL = 0.5  # seconds between rewrites of the partial playlist


def progress_key(article_id: str, revision: int) -> str:
    return f"articles/{article_id}/progress-r{revision}.json"


def read_progress(storage: Storage, article_id: str, revision: int) -> dict[str, Any] | None:
    """The partial playlist of this revision, or None when none was written (or it is bad)."""
    raw = storage.read(progress_key(article_id, revision))
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def clip_with_pause(clip_bytes: bytes, pause_ms: int) -> bytes:
    """A cached segment's audio frames followed by its pause: what the segment occupies in the
    final file (tags and header frames removed, as ``assemble`` removes them)."""
    frames = mp3.audio_frames(clip_bytes)
    if not frames:
        raise ValueError("no audio frames")
    fmt = mp3.describe(clip_bytes)
    audio = b"".join(clip_bytes[f.offset : f.end] for f in frames)
    if pause_ms > 0:
        audio += silence(pause_ms / 1000, fmt).mp3
    return audio


def pause_frames(pause: float, fmt: AudioFormat) -> int:
    """Frames of silence ``assemble`` puts for a pause of ``pause`` seconds."""
    if pause <= 0:
        return 0
    return max(0, round(pause / frame_seconds(fmt)))


class Recorder:
    """Writes the partial playlist as segments complete; one per (revision, engine) attempt."""

    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        article_id: str,
        revision: int,
        engine: Engine,
        voice: str,
        segments: Sequence[Segment],
        source_text: str,
    ) -> None:
        self.storage = storage
        self.article_id = article_id
        self.revision = revision
        self.engine = engine
        self.voice = voice
        self.segments = list(segments)
        self.source_text = source_text
        self.pauses_ms = [round(pause_seconds(s.pause_after, settings) * 1000) for s in segments]
        if self.pauses_ms:
            self.pauses_ms[-1] = 0  # the final file ends on the last clip
        self.items: list[dict[str, Any]] = []
        self.frame_count = 0
        self.format: AudioFormat | None = None
        self.total_chars = sum(len(s.text) for s in segments) or 1
        self.done_chars = 0
        self.last_write = 0.0

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the partial playlist: done, failed or superseded, the final one takes over."""
        try:
            self.storage.delete(progress_key(self.article_id, self.revision))
        except OSError:
            logger.warning("article %s: could not delete its progress file", self.article_id)

    def chain(self, then: ProgressCallback | None) -> ProgressCallback:
        """A progress callback that records, then calls ``then``."""

        def callback(done: int, total: int) -> None:
            self.advance(done)
            if then is not None:
                then(done, total)

        return callback

    def advance(self, done: int) -> None:
        """Record segments up to ``done`` (their clips are in the segment cache by now)."""
        try:
            while len(self.items) < min(done, len(self.segments)):
                if not self._add(len(self.items)):
                    return
            t = monotonic()
            # the first segment at once (it starts playback), then at most twice a second: the
            # file grows with the article, and players ask once a second
            last = len(self.items) == len(self.segments)
            if len(self.items) == 1 or last or t - self.last_write >= WRITE_INTERVAL:
                self._write()
                self.last_write = t
        except FileNotFoundError:
            # the article's folder was removed under the write: the article was deleted (its
            # job ends at the next check); nothing to record for it
            logger.info("article %s: folder gone while recording progress", self.article_id)
        except Exception:  # progressive playback is a bonus: never fail the job for it
            logger.exception("article %s: could not record progress", self.article_id)

    def _add(self, i: int) -> bool:
        seg = self.segments[i]
        key = clip_key(self.engine, self.voice, seg.text)  # as the pipeline caches it
        data = self.storage.read(key)
        if not data:
            return False
        frames = mp3.audio_frames(data)
        fmt = mp3.describe(data)
        if self.format is None:
            self.format = fmt
        spf = mp3.samples_per_frame(fmt.sample_rate)
        start = self.frame_count * spf / fmt.sample_rate
        duration = len(frames) * spf / fmt.sample_rate
        pause_ms = self.pauses_ms[i]
        self.frame_count += len(frames) + pause_frames(pause_ms / 1000, fmt)
        self.done_chars += len(seg.text)
        text = self.source_text[seg.start : seg.end].strip()
        item = {
            "index": seg.index,
            "text": text,
            "start": round(start, 3),
            "duration": round(duration, 3),
            "paragraph": seg.paragraph,
            "sentence": seg.sentence,
            "kind": seg.kind,
            "char_start": seg.start,
            "char_end": seg.end,
            "clip": key,
            "pause_ms": pause_ms,
        }
        words = self._words(key)
        if words:
            item["words"] = timed_words(text, words, start)
        self.items.append(item)
        return True

    def _words(self, key: str) -> list[WordTiming]:
        """The clip's word timings, cached beside it by engines that have them (edge)."""
        raw = self.storage.read(words_key(key))
        if not raw:
            return []
        return [
            WordTiming(str(w["text"]), float(w["start"]), float(w["duration"]))
            for w in json.loads(raw)
        ]

    def end_seconds(self) -> float:
        if self.format is None:
            return 0.0
        return (
            self.frame_count
            * mp3.samples_per_frame(self.format.sample_rate)
            / (self.format.sample_rate)
        )

    def _write(self) -> None:
        known = self.end_seconds()
        estimate = known * self.total_chars / max(1, self.done_chars)
        body = {
            "revision": self.revision,
            "engine": self.engine.name,
            "voice": self.voice,
            "total": len(self.segments),
            "done": len(self.items),
            "known_duration": round(known, 3),
            "estimated_duration": round(max(known, estimate), 3),
            "segments": self.items,
        }
        self.storage.write(
            progress_key(self.article_id, self.revision),
            json.dumps(body, ensure_ascii=False).encode(),
            durable=False,
        )
