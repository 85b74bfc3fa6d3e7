"""One article job, from claim to finished audio, independent of Celery.

The database, not the queue, is the record of what must be done. A job *claims* its article
(status ``processing`` with a short lease it renews after every segment), so duplicated or
redelivered messages are harmless: a copy that finds the article ready, gone or on a newer
revision does nothing, and one that finds a live lease is told to come back later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import redis
from sqlalchemy import CursorResult, Result, or_, select, update
from sqlalchemy.orm import Session

from loa import callbacks, progress, sites
from loa.clock import as_utc, now
from loa.config import Settings
from loa.engines.base import Engine
from loa.engines.registry import AUTO, Selection, choose, engine_order, fallback, is_offline
from loa.errors import EngineRejected, EngineUnavailable, InputError
from loa.online.claims import SegmentClaims
from loa.online.counters import Counters
from loa.online.guard import GuardedEngine
from loa.online.machinery import is_healthy, machinery_for
from loa.online.parallel import SynthesisOptions
from loa.online.redis_client import redis_for
from loa.owners import current_owner, owner_is_dead
from loa.pipeline import RenderedArticle, Tags, load_article, render_article
from loa.storage import get_storage
from loa.storage.base import Storage
from loa.storage.db import session_scope
from loa.storage.keys import article_audio_key, article_prefix
from loa.storage.models import Article, SiteLexicon
from loa.text.model import Segment

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30


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
    callback: str | None = None  # a callback put in the outbox with the outcome, to deliver


def _record_audio(
    s: Session,
    settings: Settings,
    article_id: str,
    revision: int,
    key: str,
    rendered: RenderedArticle,
) -> list[str]:
    """``sites.record_audio`` for a rendered revision (a first rendering or an upgrade)."""
    return sites.record_audio(
        s,
        article_id=article_id,
        revision=revision,
        key=key,
        address=rendered.address,
        size=rendered.size,
        duration=rendered.duration,
        playlist=rendered.playlist,
        retention_hours=settings.replaced_audio_retention_hours,
    )


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE matched (an UPDATE's result is always a CursorResult)."""
    return cast("CursorResult[Any]", result).rowcount


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
        if _rowcount(result) == 1:
            return True
        row = s.get(Article, article_id)
        if row is None or row.revision != revision or row.status in ("ready", "failed"):
            return False
        if owner_is_dead(row.lease_owner):
            # the process that held it was killed (e.g. kill -9): take over now
            taken = s.execute(
                update(Article)
                .where(
                    Article.id == article_id,
                    Article.revision == revision,
                    Article.lease_owner == row.lease_owner,
                )
                .values(
                    lease_until=t + timedelta(seconds=LEASE_SECONDS),
                    lease_owner=current_owner(),
                    attempts=Article.attempts + 1,
                )
            )
            if _rowcount(taken) == 1:
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
        if _rowcount(result) != 1:
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


@dataclass(frozen=True)
class _Job:
    """What one revision of an article asks for, read in one go from its row."""

    source_kind: str
    source: str
    title: str
    url: str | None
    captions: bool
    voice: str | None
    site: str
    engine: str | None  # the post's engine, else the site's; None: LOA_ENGINE
    tags: Tags
    previous_revision: int | None
    intro: str | None = None  # the site's, spoken before and after the article
    outro: str | None = None


def _load_job(settings: Settings, article_id: str, revision: int) -> _Job:
    with session_scope(settings.sqlalchemy_url) as s:
        row = s.get(Article, article_id)
        if row is None or row.revision != revision:
            raise Superseded(article_id)
        published = row.published_at
        site = sites.get_site(s, row.site)
        meta = sites.meta_of(site) if site is not None else None
        cover = sites.artwork_of(s, row.site)
        return _Job(
            source_kind=row.source_kind,
            source=row.source,
            title=row.title,
            url=row.url,
            captions=row.captions,
            voice=row.voice or (site.voice if site is not None else None),
            site=row.site,
            engine=row.engine_choice or (site.engine if site is not None else None),
            tags=Tags(
                title=row.title or None,
                artist=row.author or (meta.author if meta else None) or row.site,
                album=meta.title if meta else row.site,
                date=published.date().isoformat() if published else None,
                cover=cover.data,
                cover_type=cover.content_type,
            ),
            previous_revision=row.audio_revision,
            intro=meta.intro if meta else None,
            outro=meta.outro if meta else None,
        )


class _Progress:
    """Records progress (and renews the lease) at least every half second, always for the
    first and last segment."""

    def __init__(
        self,
        settings: Settings,
        article_id: str,
        revision: int,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        self.settings, self.article_id, self.revision = settings, article_id, revision
        self.on_progress = on_progress
        self.last_write = 0.0

    def __call__(self, done: int, total: int) -> None:
        t = time.monotonic()
        if done == 1 or done == total or t - self.last_write > 0.5:
            _update(
                self.settings,
                self.article_id,
                self.revision,
                segments_done=done,
                lease_until=now() + timedelta(seconds=LEASE_SECONDS),
            )
            self.last_write = t
        if self.on_progress:
            self.on_progress(done, total)


def _process(
    article_id: str,
    revision: int,
    settings: Settings,
    on_progress: Callable[[int, int], None] | None,
) -> JobResult:
    job = _load_job(settings, article_id, revision)
    article = load_article(
        job.source_kind, job.source, title=job.title, url=job.url, settings=settings
    )
    lexicon = _site_lexicon(settings, job.site)
    storage = get_storage(settings)
    healthy = _health(settings)
    if job.engine:  # asked for by the post or the site: the policy reads it as LOA_ENGINE
        settings = settings.model_copy(update={"engine": job.engine})
    selection = choose(settings, job.voice, healthy=healthy)
    counters = Counters()
    key = article_audio_key(article_id, revision)

    record_progress = _Progress(settings, article_id, revision, on_progress)
    recorders: list[progress.Recorder] = []
    while True:

        def prepared(segments: list[Segment], chosen: Selection = selection) -> None:
            _update(
                settings,
                article_id,
                revision,
                segments_total=len(segments),
                segments_done=0,
                engine=chosen.engine.name,
                engine_note=chosen.note,
                voice_used=chosen.voice,
                upgrade_pending=False,
                title=article.title or job.title,
                lease_until=now() + timedelta(seconds=LEASE_SECONDS),
            )
            # progressive playback (loa/progress.py): the partial playlist while segments finish
            recorders.append(
                progress.Recorder(
                    storage,
                    settings,
                    article_id,
                    revision,
                    chosen.engine,
                    chosen.voice,
                    segments,
                    article.to_text(job.captions),
                )
            )

        def on_segment(done: int, total: int) -> None:
            if recorders:
                recorders[-1].advance(done)
            record_progress(done, total)

        engine, options = synthesis_for(settings, selection, counters)
        try:
            rendered = render_article(
                article,
                engine,
                selection.voice,
                settings,
                storage=storage,
                key=key,
                lexicon=lexicon,
                captions=job.captions,
                tags=job.tags,
                intro=job.intro,
                outro=job.outro,
                on_prepared=prepared,
                on_progress=on_segment,
                synthesis=options,
            )
            break
        except EngineUnavailable as exc:
            next_selection = fallback(settings, selection, job.voice, exc, healthy=healthy)
            if next_selection is None:
                raise
            logger.warning("article %s: %s", article_id, next_selection.note)
            selection = next_selection
        except OSError:
            # e.g. a DELETE removing the article's folder while the audio is written into it
            _quit_if_gone(settings, storage, article_id, revision, key)
            raise
        except Superseded:
            # deleted or re-posted while its segments were made: leave nothing of this job behind
            # (its partial playlist may have created the article's folder)
            for recorder in recorders:
                recorder.close()
            _discard(settings, storage, article_id, key)
            raise
        finally:
            for recorder in recorders:  # done, failed or superseded: the final playlist takes over
                recorder.close()
            recorders.clear()

    rendered.counters = counters.as_dict()
    rendered.upgrade_pending = upgrade_possible(settings, selection, job.voice)
    _store(settings, storage, article_id, revision, key, rendered)
    logger.info(
        "article %s ready: %d segments, %.1f s, engine %s",
        article_id,
        len(rendered.segments),
        rendered.duration,
        selection.engine.name,
    )
    return JobResult("ready")


def _health(settings: Settings) -> Callable[[Engine], bool] | None:
    """The shared breakers' view of the online engines (None: no Redis named, probe instead)."""
    if _shared_redis(settings) is None:
        return None
    return lambda engine: is_healthy(settings, engine)


def _shared_redis(settings: Settings) -> redis.Redis | None:
    """The Redis the workers share, when one is named (REDIS_URL; ``loa serve`` always names
    the one it runs). Without it a job runs alone: no shared budget, breaker or claims."""
    if not settings.redis_url:
        return None
    try:
        client = redis_for(settings)
        client.ping()
    except redis.RedisError:
        logger.warning("redis unreachable: online requests run without the shared budget")
        return None
    return client


def synthesis_for(
    settings: Settings, selection: Selection, counters: Counters, *, priority: str = "normal"
) -> tuple[Engine, SynthesisOptions]:
    """The engine as the job calls it (an online one behind the budget, retries and breaker)
    and how its segments are synthesized (in parallel for online engines, with claims)."""
    client = _shared_redis(settings)
    if client is None:  # a bare process: the plain engine, one segment at a time
        return selection.engine, SynthesisOptions(counters=counters)
    claims = SegmentClaims(client)
    machinery = machinery_for(settings, selection.engine.name)
    if machinery is None:
        return selection.engine, SynthesisOptions(claims=claims, counters=counters)
    engine = GuardedEngine(selection.engine, machinery, counters=counters, priority=priority)
    return engine, SynthesisOptions(
        concurrency=machinery.concurrency, claims=claims, counters=counters
    )


def upgrade_possible(settings: Settings, selection: Selection, voice: str | None) -> bool:
    """True when auto mode fell back to the offline engine although an online engine of the
    order offers the voice: the article is re-made with it once it is healthy."""
    if not settings.upgrade_after_fallback or settings.engine != AUTO:
        return False
    if not is_offline(settings, selection.engine.name):
        return False
    from loa.engines.registry import get_engine

    return any(
        voice is None or voice in get_engine(name, settings).voices
        for name in engine_order(settings)[:-1]
    )


def _store(
    settings: Settings,
    storage: Storage,
    article_id: str,
    revision: int,
    key: str,
    rendered: RenderedArticle,
) -> None:
    """Mark this revision ready (``render_article`` has stored its audio). Deleted or
    re-posted meanwhile: leave no orphan audio (and no empty folder) behind, and end quietly
    (``Superseded``)."""
    try:
        expired = _finish(settings, article_id, revision, key, rendered)
    except Superseded:
        _discard(settings, storage, article_id, key)
        raise
    for old_key in expired:  # replaced revisions past LOA_REPLACED_AUDIO_RETENTION_HOURS
        storage.delete(old_key)


def _quit_if_gone(
    settings: Settings, storage: Storage, article_id: str, revision: int, key: str
) -> None:
    """After a storage error: if the article was deleted or re-posted meanwhile, remove what
    this job wrote and end quietly (``Superseded``); otherwise return (the error stands)."""
    if _is_current(settings, article_id, revision):
        return
    _discard(settings, storage, article_id, key)
    raise Superseded(article_id) from None


def _is_current(settings: Settings, article_id: str, revision: int) -> bool:
    with session_scope(settings.sqlalchemy_url) as s:
        row = s.get(Article, article_id)
        return row is not None and row.revision == revision


def _discard(settings: Settings, storage: Storage, article_id: str, key: str) -> None:
    """Remove what this job wrote: the whole folder if the article is gone, else the file."""
    with session_scope(settings.sqlalchemy_url) as s:
        gone = s.get(Article, article_id) is None
    if gone:
        storage.delete_prefix(article_prefix(article_id))
    else:
        storage.delete(key)


def _finish(
    settings: Settings, article_id: str, revision: int, key: str, rendered: RenderedArticle
) -> list[str]:
    """Mark ready: a conditional UPDATE ... WHERE revision = the revision rendered; in the
    same transaction the file gets its immutable address (``loa.sites.record_audio``).
    Returns the keys of replaced audio whose retention has passed, to delete."""
    with session_scope(settings.sqlalchemy_url) as s:
        result = s.execute(
            update(Article)
            .where(Article.id == article_id, Article.revision == revision)
            .values(
                status="ready",
                error=None,
                duration=round(rendered.duration, 3),
                audio_key=key,
                audio_revision=revision,
                audio_bytes=rendered.size,
                playlist=rendered.playlist,
                segments_done=len(rendered.segments),
                upgrade_pending=rendered.upgrade_pending,
                segments_cached=rendered.counters.get("from_cache", 0),
                online_requests=rendered.counters.get("requests", 0),
                online_retries=rendered.counters.get("retries", 0),
                lease_until=None,
                ready_at=now(),
            )
        )
        if _rowcount(result) != 1:
            raise Superseded(article_id)
        return _record_audio(s, settings, article_id, revision, key, rendered)


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


UPGRADE_LOCK_SECONDS = 600


def upgraded_audio_key(article_id: str, revision: int, engine: str) -> str:
    """Where the online re-make of a fallback revision goes (beside the offline file)."""
    return article_audio_key(article_id, revision).removesuffix(".mp3") + f"-{engine}.mp3"


def upgrade_candidates(settings: Settings, limit: int) -> list[tuple[str, int]]:
    """Ready articles made offline while an online engine was down, oldest first."""
    with session_scope(settings.sqlalchemy_url) as s:
        rows = s.execute(
            select(Article.id, Article.revision)
            .where(Article.status == "ready", Article.upgrade_pending.is_(True))
            .order_by(Article.ready_at)
            .limit(limit)
        ).all()
        return [(row[0], row[1]) for row in rows]


def run_upgrade_job(article_id: str, revision: int, settings: Settings) -> JobResult:
    """Re-make a fallback article with the best healthy online engine, in the background: the
    served audio changes only once the new file is complete (a new key, so a new URL/ETag),
    and only if the article is still ready at this revision and still pending an upgrade."""
    client = _shared_redis(settings)
    if client is None:
        return JobResult("skipped", "no shared redis")
    lock = f"loa:upgrade:{article_id}"
    if not client.set(lock, current_owner(), nx=True, ex=UPGRADE_LOCK_SECONDS):
        return JobResult("skipped", "another upgrade runs")
    try:
        return _upgrade(article_id, revision, settings)
    except (Superseded, EngineUnavailable) as exc:
        logger.info("article %s: upgrade postponed (%s)", article_id, exc)
        return JobResult("skipped", str(exc))
    finally:
        client.delete(lock)


def _still_pending(settings: Settings, article_id: str, revision: int) -> str | None:
    """The audio key served now if the article still waits for this revision's upgrade."""
    with session_scope(settings.sqlalchemy_url) as s:
        row = s.get(Article, article_id)
        if row is None or row.revision != revision or row.status != "ready":
            return None
        return row.audio_key if row.upgrade_pending else None


def _upgrade(article_id: str, revision: int, settings: Settings) -> JobResult:
    # an upgrade sent twice (the sweep looks again before the first is done) must not make
    # the file again: the second would write the committed key, then discard it
    if _still_pending(settings, article_id, revision) is None:
        return JobResult("skipped", "already upgraded or changed")
    job = _load_job(settings, article_id, revision)
    if job.engine:
        settings = settings.model_copy(update={"engine": job.engine})
    selection = choose(settings, job.voice, healthy=_health(settings))
    if is_offline(settings, selection.engine.name):
        return JobResult("skipped", "no online engine healthy")
    article = load_article(
        job.source_kind, job.source, title=job.title, url=job.url, settings=settings
    )
    storage = get_storage(settings)
    counters = Counters()
    engine, options = synthesis_for(settings, selection, counters, priority="low")
    key = upgraded_audio_key(article_id, revision, selection.engine.name)
    rendered = render_article(
        article,
        engine,
        selection.voice,
        settings,
        storage=storage,
        key=key,
        lexicon=_site_lexicon(settings, job.site),
        captions=job.captions,
        tags=job.tags,
        intro=job.intro,
        outro=job.outro,
        synthesis=options,
    )
    expired: list[str] = []
    callback: str | None = None
    with session_scope(settings.sqlalchemy_url) as s:
        result = s.execute(
            update(Article)
            .where(
                Article.id == article_id,
                Article.revision == revision,
                Article.status == "ready",
                Article.upgrade_pending.is_(True),
            )
            .values(
                engine=selection.engine.name,
                engine_note=f"upgraded from the offline engine ({selection.note or 'healthy'})"
                if selection.note
                else "upgraded: re-made with the online engine after a fallback",
                voice_used=selection.voice,
                upgrade_pending=False,
                duration=round(rendered.duration, 3),
                audio_key=key,
                audio_bytes=rendered.size,
                playlist=rendered.playlist,
                segments_total=len(rendered.segments),
                segments_done=len(rendered.segments),
                segments_cached=counters.from_cache,
                online_requests=counters.requests,
                online_retries=counters.retries,
                ready_at=now(),
            )
        )
        upgraded = _rowcount(result) == 1
        if upgraded:  # the upgraded file gets its immutable address; the offline one is replaced
            expired = _record_audio(s, settings, article_id, revision, key, rendered)
            # the site's "upgraded" callback is committed with the audio it announces
            callback = callbacks.record(s, settings, article_id, "upgraded")
    if not upgraded:
        with session_scope(settings.sqlalchemy_url) as s:
            row = s.get(Article, article_id)
            served = row.audio_key if row is not None else None
        if served != key:  # never the file an earlier upgrade of this revision committed
            _discard(settings, storage, article_id, key)
        return JobResult("skipped", "article changed meanwhile")
    for old_key in expired:  # replaced files past LOA_REPLACED_AUDIO_RETENTION_HOURS
        storage.delete(old_key)
    # the offline file is kept LOA_REPLACED_AUDIO_RETENTION_HOURS like any replaced audio
    logger.info("article %s upgraded to %s", article_id, selection.engine.name)
    return JobResult("ready", "upgraded", callback)
