"""The article lifecycle: submit or revise, requeue, delete, find. Routes and the CLI call these.

Revisions are a sequence kept by the database, never by Python arithmetic on a row read
earlier: a revision is taken with one ``UPDATE ... SET revision = revision + 1`` that also
writes the new content, so concurrent posts for one site + external id get distinct, increasing
revisions, and the row's (revision, content) pair is always one post's. The worker renders the
revision it was sent and may mark only that revision ready (see ``loa.jobs``).

Sending the job to the queue is the caller's part (the core imports no Celery): each operation
returns the (article id, revision) pairs to send.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa import sites
from loa.storage.base import Storage
from loa.storage.keys import article_prefix
from loa.storage.models import Article

# what a new revision resets: the job state of the previous one
_FRESH_JOB_STATE: dict[str, object] = {
    "status": "queued",
    "error": None,
    "segments_done": 0,
    "segments_total": 0,
    "attempts": 0,
    "lease_until": None,
    "lease_owner": None,
}

# a bounded number of tries when concurrent first posts race on the unique constraint
_INSERT_RACE_TRIES = 5


@dataclass(frozen=True)
class Submission:
    """One post of an article, already validated: exactly one source kind, NFC text."""

    site: str
    external_id: str | None
    title: str | None  # as posted (the stored title is stripped)
    source_kind: str  # text | html | url
    source: str  # the text or HTML ("" for url)
    url: str | None
    author: str | None
    published_at: datetime | None
    voice: str | None
    captions: bool
    engine: str | None = None  # an engine name or "auto"; None: the site's, else LOA_ENGINE
    # False: a draft (rendered, kept out of feeds and playlists); None: as it is (new: True).
    # Not part of the content: publishing a draft changes no audio.
    published: bool | None = None

    def content_hash(self) -> str:
        """What decides "the same content": a re-post with this hash changes nothing."""
        material = {
            "kind": self.source_kind,
            "source": self.source,
            "title": self.title,
            "url": self.url if self.source_kind == "url" else None,
            "voice": self.voice,
            "captions": self.captions,
            **({"engine": self.engine} if self.engine else {}),
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SubmitResult:
    article: Article
    changed: bool  # False: identical content, nothing was done

    @property
    def to_enqueue(self) -> list[tuple[str, int]]:
        return [(self.article.id, self.article.revision)] if self.changed else []


def find(session: Session, site: str, external_id: str) -> Article | None:
    """The article a site knows by ``external_id``, if any."""
    return session.scalars(
        select(Article).where(Article.site == site, Article.external_id == external_id)
    ).first()


def get(session: Session, article_id: str) -> Article | None:
    return session.get(Article, article_id)


def _find_existing(session: Session, sub: Submission, digest: str) -> Article | None:
    if sub.external_id is not None:
        return find(session, sub.site, sub.external_id)
    return session.scalars(
        select(Article).where(
            Article.site == sub.site,
            Article.external_id.is_(None),
            Article.content_hash == digest,
        )
    ).first()


def _utc(moment: datetime | None) -> datetime | None:
    """A moment in UTC; a naive one is taken as UTC already (never as this machine's time)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _content_values(sub: Submission, digest: str) -> dict[str, object]:
    return {
        "title": (sub.title or "").strip(),
        "author": sub.author,
        # stored in UTC: SQLite keeps no offset, so 08:30+07:00 would come back as 08:30 UTC
        "published_at": _utc(sub.published_at),
        "url": sub.url,
        "source_kind": sub.source_kind,
        "source": sub.source,
        "captions": sub.captions,
        "voice": sub.voice,
        "engine_choice": sub.engine,
        "content_hash": digest,
    }


def submit(session: Session, sub: Submission) -> SubmitResult:
    """Create the article, or make a new revision of it; commits.

    Identical content to a live (not failed) article changes nothing; re-posting a failed
    article's content retries it as a new revision.
    """
    digest = sub.content_hash()
    for _ in range(_INSERT_RACE_TRIES):
        existing = _find_existing(session, sub, digest)
        if existing is not None:
            if existing.content_hash == digest and existing.status != "failed":
                set_published(session, existing, sub.published)
                session.commit()  # end the read transaction
                return SubmitResult(existing, changed=False)
            values = _content_values(sub, digest)
            if sub.published is not None:
                values["published"] = sub.published
            if not _revise(session, existing.id, values):
                session.rollback()  # deleted since we looked: post it afresh
                continue
            # read the row back inside the transaction that holds the write (SQLite's write
            # lock, PostgreSQL's row lock): it is this post's revision, not a later one
            session.refresh(existing)
            session.commit()
            return SubmitResult(existing, changed=True)
        row = Article(
            id=uuid.uuid4().hex,
            site=sub.site,
            external_id=sub.external_id,
            revision=1,
            published=sub.published is not False,
            **_content_values(sub, digest),
            **_FRESH_JOB_STATE,
        )
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            # a concurrent first post with this site + external_id won: become its next revision
            session.rollback()
            continue
        return SubmitResult(row, changed=True)
    raise RuntimeError(f"could not store article {sub.site}/{sub.external_id}: too many races")


def set_published(session: Session, article: Article, published: bool | None) -> None:
    """Publish a draft or take an article back to draft, without a new revision."""
    if published is None or article.published == published:
        return
    article.published = published
    sites.touch(session, article.site)


def _revise(session: Session, article_id: str, values: dict[str, object]) -> bool:
    """Take the next revision atomically, with the new content and a fresh job state.
    False when the article no longer exists."""
    result = session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(revision=Article.revision + 1, **values, **_FRESH_JOB_STATE)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount == 1


def requeue_site(session: Session, site: str) -> list[tuple[str, int]]:
    """Make the site's finished (ready or failed) articles again, each as a new revision;
    commits. Returns the (id, revision) pairs to send."""
    ids = session.scalars(
        select(Article.id).where(Article.site == site, Article.status.in_(("ready", "failed")))
    ).all()
    for article_id in ids:
        session.execute(
            update(Article)
            .where(Article.id == article_id, Article.status.in_(("ready", "failed")))
            .values(revision=Article.revision + 1, **_FRESH_JOB_STATE)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    if not ids:
        return []
    rows = session.execute(
        select(Article.id, Article.revision).where(Article.id.in_(ids), Article.status == "queued")
    ).all()
    session.commit()
    return [(article_id, revision) for article_id, revision in rows]


def delete(session: Session, storage: Storage, article: Article) -> None:
    """Delete the article and every file it has; commits.

    The row goes first: a job still writing this article then finds it gone when it tries to
    record its result, and removes what it wrote (see ``loa.jobs``)."""
    sites.forget_article(session, article)
    session.delete(article)
    session.commit()
    storage.delete_prefix(article_prefix(article.id))
