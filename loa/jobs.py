"""One article job, from claim to finished audio, independent of Celery.

The database, not the queue, is the record of what must be done. A job *claims* its article
(status ``processing`` with a short lease it renews after every segment), so duplicated or
redelivered messages are harmless: a copy that finds the article ready, gone or on a newer
revision does nothing, and one that finds a live lease is told to come back later.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update

from loa import progress
from loa.audio.tags import tag_mp3
from loa.config import Settings
from loa.engines.base import AudioClip, Engine
from loa.engines.registry import choose_engine, get_engine
from loa.errors import EngineRejected, EngineUnavailable, InputError
from loa.pipeline import assemble_article, load_article, prepare_segments, synthesize_segment
from loa.storage import get_storage
from loa.storage.base import Storage
from loa.storage.db import session_scope
from loa.storage.models import Article, SiteLexicon

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30


def current_owner() -> str:
    """This process as a lease owner (computed per call: prefork children have their own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_is_dead(owner: str | None) -> bool:
    """True when the lease belongs to a process on this host that no longer exists."""
    if not owner or ":" not in owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class LeaseHeld(Exception):
    """Another worker holds the article; try again once its lease may have expired."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"lease held for {seconds:.0f} more seconds")
        self.seconds = seconds


class Superseded(Exception):
    """The article was deleted or re-posted while this job ran."""


@dataclass
class JobResult:
    outcome: str  # ready | failed | skipped
    detail: str = ""


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def claim(settings: Settings, article_id: str, revision: int) -> bool:
    """Atomically take the article for processing. Raises LeaseHeld if another job has it."""
    url = settings.sqlalchemy_url
    t = now()
    with session_scope(url) as s:
        result = s.execute(
            update(Article)
            .where(
                Article.id == article_id,
                Article.revision == revision,
                or_(
                    Article.status == "queued",
                    (Article.status == "processing")
                    & or_(Article.lease_until.is_(None), Article.lease_until < t),
                ),
            )
            .values(
                status="processing",
                lease_until=t + timedelta(seconds=LEASE_SECONDS),
                lease_owner=current_owner(),
                attempts=Article.attempts + 1,
                error=None,
            )
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return True
        row = s.get(Article, article_id)
        if row is None or row.revision != revision or row.status in ("ready", "failed"):
            return False
        if owner_is_dead(row.lease_owner):
            # the process that held it was killed (e.g. kill -9): take over now
            taken = s.execute(
                update(Article)
                .where(Article.id == article_id, Article.revision == revision,
                       Article.lease_owner == row.lease_owner)
                .values(lease_until=t + timedelta(seconds=LEASE_SECONDS),
                        lease_owner=current_owner(), attempts=Article.attempts + 1)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                logger.warning("article %s: took over from dead %s", article_id, row.lease_owner)
                return True
        lease = as_utc(row.lease_until) or t
        raise LeaseHeld(max(1.0, (lease - t).total_seconds() + 1))


def _update(settings: Settings, article_id: str, revision: int, **values: object) -> None:
    """Update the article if it is still this revision; otherwise the job is superseded."""
    with session_scope(settings.sqlalchemy_url) as s:
        result = s.execute(
            update(Article)
            .where(Article.id == article_id, Article.revision == revision)
            .values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Superseded(article_id)


def mark_failed(settings: Settings, article_id: str, revision: int, reason: str) -> None:
    logger.warning("article %s failed: %s", article_id, reason)
    try:
        _update(settings, article_id, revision, status="failed", error=reason, lease_until=None)
    except Superseded:
        pass


def mark_queued(settings: Settings, article_id: str, revision: int, note: str) -> None:
    try:
        _update(settings, article_id, revision, status="queued", error=note, lease_until=None)
    except Superseded:
        pass


def _site_lexicon(settings: Settings, site: str) -> dict[str, str]:
    with session_scope(settings.sqlalchemy_url) as s:
        row = s.get(SiteLexicon, site)
        return dict(row.entries) if row else {}


def _pick_engine(settings: Settings, voice: str | None) -> tuple[Engine, str, str | None]:
    """The engine for this job, the voice to use with it, and a note when auto chose for us."""
    engine, note = choose_engine(settings.engine, settings)
    if voice and voice not in engine.voices and settings.engine == "auto":
        # auto never changes the voice a site asked for: an offline-only voice means espeak
        engine, note = get_engine("espeak", settings), f"voice {voice} is offered by espeak only"
    use_voice = voice if voice in engine.voices else engine.default_voice
    return engine, use_voice, note


def run_article_job(
    article_id: str,
    revision: int,
    settings: Settings,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> JobResult:
    """Claim the article, synthesize it, and record the result. Idempotent."""
    if not claim(settings, article_id, revision):
        return JobResult("skipped", "not queued at this revision")
    try:
        return _process(article_id, revision, settings, on_progress)
    except Superseded:
        logger.info("article %s changed while processing; result discarded", article_id)
        return JobResult("skipped", "superseded")
    except InputError as exc:
        reason = exc.message
        if exc.field and not reason.startswith(f"{exc.field}:"):
            reason = f"{exc.field}: {reason}"
        mark_failed(settings, article_id, revision, reason)
        return JobResult("failed", reason)
    except EngineRejected as exc:
        mark_failed(settings, article_id, revision, f"engine refused the text: {exc}")
        return JobResult("failed", str(exc))
    except EngineUnavailable:
        # transient: the caller (the Celery task) retries with backoff
        mark_queued(settings, article_id, revision, "engine unavailable; will retry")
        raise


def _process(
    article_id: str,
    revision: int,
    settings: Settings,
    on_progress: Callable[[int, int], None] | None,
) -> JobResult:
    with session_scope(settings.sqlalchemy_url) as s:
        row = s.get(Article, article_id)
        if row is None:
            raise Superseded(article_id)
        source_kind, source, title, url = row.source_kind, row.source, row.title, row.url
        captions, voice, site = row.captions, row.voice, row.site
        meta = {"title": row.title, "author": row.author, "site": row.site}
        published = row.published_at
        previous_revision = row.audio_revision

    article = load_article(source_kind, source, title=title, url=url, settings=settings)
    lexicon = _site_lexicon(settings, site)
    storage = get_storage(settings)
    engine, use_voice, note = _pick_engine(settings, voice)

    while True:
        region = engine.region_of_voice.get(use_voice, "north")
        segments = prepare_segments(
            article, max_chars=engine.max_chars, region=region, lexicon=lexicon, captions=captions
        )
        if not segments:
            mark_failed(settings, article_id, revision, "text: nothing speakable in the article")
            return JobResult("failed", "nothing speakable")
        _update(
            settings,
            article_id,
            revision,
            segments_total=len(segments),
            segments_done=0,
            engine=engine.name,
            engine_note=note,
            voice_used=use_voice,
            title=article.title or title,
            lease_until=now() + timedelta(seconds=LEASE_SECONDS),
        )
        try:
            # progressive playback (loa/progress.py): the partial playlist while segments finish
            with progress.Recorder(
                storage, settings, article_id, revision, engine, use_voice, segments,
                article.to_text(captions),
            ) as recorder:
                clips = _synthesize_all(
                    engine, use_voice, segments, storage, settings, article_id, revision,
                    recorder.chain(on_progress),
                )
            break
        except EngineUnavailable as exc:
            if settings.engine != "auto" or engine.name == "espeak":
                raise
            # auto mode: the online engine broke midway; the whole article moves to espeak
            # (one engine per article, so its clips can be byte-joined)
            note = f"{engine.name} failed midway ({exc}); used espeak"
            logger.warning("article %s: %s", article_id, note)
            engine = get_engine("espeak", settings)
            use_voice = voice if voice in engine.voices else engine.default_voice

    audio = assemble_article(segments, clips, settings, source_text=article.to_text(captions))
    mp3 = tag_mp3(
        audio.mp3,
        title=meta["title"] or article.title,
        artist=meta["author"] or meta["site"],
        album=meta["site"],
        date=published.date().isoformat() if published else None,
    )
    key = f"articles/{article_id}/r{revision}.mp3"
    storage.write(key, mp3)
    try:
        _finish(settings, article_id, revision, key, mp3, audio, len(segments))
    except Superseded:
        storage.delete(key)  # deleted or re-posted meanwhile: leave no orphan audio
        raise
    if previous_revision and previous_revision != revision:
        _delete_older_audio(storage, article_id, previous_revision)
    logger.info(
        "article %s ready: %d segments, %.1f s, engine %s",
        article_id,
        len(segments),
        audio.duration,
        engine.name,
    )
    return JobResult("ready")


def _delete_older_audio(storage: Storage, article_id: str, previous_revision: int) -> None:
    """Delete audio older than the previous revision's. The previous file itself is kept for
    one more revision: a listener who fetched its URL moments ago may still be streaming it."""
    for old in range(previous_revision - 1, 0, -1):
        key = f"articles/{article_id}/r{old}.mp3"
        if not storage.exists(key):
            break  # older ones were deleted by earlier revisions
        storage.delete(key)


def _finish(settings, article_id, revision, key, mp3, audio, n_segments) -> None:  # type: ignore[no-untyped-def]
    _update(
        settings,
        article_id,
        revision,
        status="ready",
        error=None,
        duration=round(audio.duration, 3),
        audio_key=key,
        audio_revision=revision,
        audio_bytes=len(mp3),
        playlist=audio.playlist,
        segments_done=n_segments,
        lease_until=None,
        ready_at=now(),
    )


def _synthesize_all(
    engine: Engine,
    voice: str,
    segments: list,
    storage,
    settings: Settings,
    article_id: str,
    revision: int,
    on_progress: Callable[[int, int], None] | None,
) -> list[AudioClip]:
    clips: list[AudioClip] = []
    last_write = 0.0
    for i, seg in enumerate(segments):
        clips.append(synthesize_segment(engine, voice, seg.text, storage))
        done = i + 1
        t = time.monotonic()
        # progress (and the lease) at least every half second, always for the first segment
        if done == 1 or done == len(segments) or t - last_write > 0.5:
            _update(
                settings,
                article_id,
                revision,
                segments_done=done,
                lease_until=now() + timedelta(seconds=LEASE_SECONDS),
            )
            last_write = t
        if on_progress:
            on_progress(done, len(segments))
    return clips


def find_stale_work(
    settings: Settings, *, queued_older_than: float, resend_after: float | None = None
) -> list[tuple[str, int]]:
    """Articles whose work may have been lost: queued for a while, or processing with an
    expired lease and untouched for ``resend_after`` seconds. Touches them so the same article
    is not re-sent again right away."""
    t = now()
    if resend_after is None:
        resend_after = queued_older_than
    out: list[tuple[str, int]] = []
    with session_scope(settings.sqlalchemy_url) as s:
        rows = s.scalars(
            select(Article).where(
                or_(
                    (Article.status == "queued")
                    & (Article.updated_at < t - timedelta(seconds=queued_older_than)),
                    (Article.status == "processing")
                    & or_(Article.lease_until.is_(None), Article.lease_until < t)
                    & (Article.updated_at <= t - timedelta(seconds=resend_after)),
                )
            )
        ).all()
        for row in rows:
            out.append((row.id, row.revision))
            row.updated_at = t
    return out
