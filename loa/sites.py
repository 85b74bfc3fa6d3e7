"""A site's publishing, on the database: metadata and artwork, immutable audio files, and the
articles a site publishes (ready, published, newest first). Routes and the job call these.

The URL layout of what a site publishes is written here once (``Urls``), so the feed, the
playlists and the article links agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from loa import site_settings
from loa.clock import as_utc, now
from loa.errors import NotFound
from loa.publishing.artwork import Artwork, default_artwork
from loa.publishing.feed import FeedItem
from loa.publishing.playlists import content_address
from loa.publishing.site import SiteMeta, SiteVoice, clean_text, parse_site
from loa.site_settings import Integration
from loa.storage.models import Article, AudioFile, Site

SUMMARY_CHARS = 600  # a feed item's description: the article's beginning, cut at a word
GUID_PREFIX = "loa:"
ARTWORK_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}
DEFAULT_ARTWORK_NAME = "default.png"


@dataclass(frozen=True)
class Urls:
    """Where a site's published things live, under the API's base URL."""

    base: str

    def feed(self, site: str) -> str:
        return f"{self.base}/v1/sites/{site}/feed.xml"

    def artwork(self, site: str, row: Site | None) -> str:
        if row is None or row.artwork_address is None or row.artwork_type is None:
            return f"{self.base}/v1/sites/{site}/artwork/{DEFAULT_ARTWORK_NAME}"
        extension = ARTWORK_EXTENSIONS[row.artwork_type]
        return f"{self.base}/v1/sites/{site}/artwork/{row.artwork_address}.{extension}"

    def audio(self, address: str) -> str:
        return f"{self.base}/v1/audio/{address}.mp3"

    def audio_segment(self, address: str, index: int) -> str:
        return f"{self.base}/v1/audio/{address}/seg/{index}.mp3"

    def transcript(self, article_id: str) -> str:
        return f"{self.base}/v1/articles/{article_id}/transcript.vtt"


# --- sites ---------------------------------------------------------------------------------


def get_site(session: Session, site: str) -> Site | None:
    return session.get(Site, site)


def require_site(session: Session, site: str) -> Site:
    row = get_site(session, site)
    if row is None:
        raise NotFound(f"site {site} has no publishing metadata yet (PUT /v1/sites/{site})")
    return row


def meta_of(row: Site) -> SiteMeta:
    """The stored metadata, read back through the same validation it was written with."""
    return parse_site(row.meta)


def put_site(
    session: Session,
    site: str,
    meta: SiteMeta,
    voice: SiteVoice | None = None,
    integration: Integration | None = None,
) -> tuple[Site, bool]:
    """Create or replace the site's metadata and default engine and voice (``voice``; None:
    none), and its integration settings when given; commits. Returns the row and whether
    what is spoken (intro, outro) changed, in which case the site's articles must be made
    again. A new engine or voice applies to articles made from then on."""
    voice = voice or SiteVoice()
    row = get_site(session, site)
    if integration is not None:
        site_settings.check_signed(row.webhook_secret if row else None, integration)
    t = now()
    if row is None:
        row = Site(site=site, meta=meta.to_dict(), created_at=t, updated_at=t, changed_at=t)
        session.add(row)
        spoken_changed = bool(meta.intro or meta.outro)
    else:
        old = meta_of(row)
        spoken_changed = (old.intro, old.outro) != (meta.intro, meta.outro)
        if row.meta != meta.to_dict():
            row.meta = meta.to_dict()
            row.changed_at = t
    row.engine, row.voice = voice.engine, voice.voice
    if integration is not None:
        site_settings.apply(row, integration)
    session.commit()
    return row, spoken_changed


def put_artwork(session: Session, site: str, artwork: Artwork) -> Site:
    """Store checked artwork for a site that has metadata; commits."""
    row = require_site(session, site)
    address = content_address(artwork.data)
    if row.artwork_address != address:
        row.artwork = artwork.data
        row.artwork_type = artwork.content_type
        row.artwork_address = address
        row.changed_at = now()
    session.commit()
    return row


def artwork_of(session: Session, site: str) -> Artwork:
    """The site's artwork, or Loa's default."""
    row = get_site(session, site)
    if row is None or row.artwork is None or row.artwork_type is None:
        return default_artwork()
    return Artwork(data=row.artwork, content_type=row.artwork_type, side=0)


def spoken_frame(session: Session, site: str) -> tuple[str | None, str | None]:
    """The site's intro and outro text (spoken before and after each article)."""
    row = get_site(session, site)
    if row is None:
        return None, None
    meta = meta_of(row)
    return meta.intro, meta.outro


def touch(session: Session, site: str) -> None:
    """What the site publishes changed (no commit: part of the caller's transaction)."""
    session.execute(
        update(Site)
        .where(Site.site == site)
        .values(changed_at=now())
        .execution_options(synchronize_session=False)
    )


# --- immutable audio files -----------------------------------------------------------------


def summary_of(segments: Sequence[dict[str, Any]], limit: int = SUMMARY_CHARS) -> str:
    """The article's beginning as the reader sees it, at most ``limit`` characters."""
    text = " ".join(" ".join(clean_text(str(s.get("text", ""))).split()) for s in segments)
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def segment_timings(playlist: dict[str, Any]) -> list[list[Any]]:
    """[start, duration, reader's text] per segment of a playlist."""
    return [
        [float(s["start"]), float(s["duration"]), str(s.get("text", ""))]
        for s in playlist.get("segments", [])
    ]


def record_audio(
    session: Session,
    *,
    article_id: str,
    revision: int,
    key: str,
    address: str,
    size: int,
    duration: float,
    playlist: dict[str, Any],
    retention_hours: float,
) -> list[str]:
    """Give a revision's MP3 its immutable address (no commit). Earlier revisions' files are
    marked replaced; those replaced more than ``retention_hours`` ago are forgotten, and their
    storage keys returned for the caller to delete once committed."""
    t = now()
    session.execute(
        update(AudioFile)
        .where(
            AudioFile.article_id == article_id,
            AudioFile.address != address,
            AudioFile.replaced_at.is_(None),
        )
        .values(replaced_at=t)
        .execution_options(synchronize_session=False)
    )
    existing = session.get(AudioFile, address)
    superseded = [existing.key] if existing is not None and existing.key != key else []
    segments = playlist.get("segments", [])
    values: dict[str, Any] = {
        "article_id": article_id,
        "revision": revision,
        "key": key,
        "bytes": size,
        "duration": round(duration, 3),
        "summary": summary_of(segments),
        "segments": segment_timings(playlist),
        "replaced_at": None,
    }
    if existing is None:
        session.add(AudioFile(address=address, created_at=t, **values))
    else:  # the same bytes again (a re-render that changed nothing): served from this key,
        # the older copy of them is deleted
        for name, value in values.items():
            setattr(existing, name, value)
    expired = session.scalars(
        select(AudioFile).where(
            AudioFile.article_id == article_id,
            AudioFile.replaced_at.is_not(None),
            AudioFile.replaced_at < t - timedelta(hours=retention_hours),
        )
    ).all()
    keys = superseded + [row.key for row in expired if row.key != key]
    for row in expired:
        session.delete(row)
    site = session.scalar(select(Article.site).where(Article.id == article_id))
    if site is not None:
        touch(session, site)
    return keys


def live_audio(session: Session, address: str, retention_hours: float) -> AudioFile | None:
    """The audio file at ``address`` if it still serves: its article exists and it is current
    or was replaced less than ``retention_hours`` ago."""
    row = session.get(AudioFile, address)
    if row is None:
        return None
    replaced = as_utc(row.replaced_at)
    if replaced is not None and replaced < now() - timedelta(hours=retention_hours):
        return None
    return row


def current_audio(session: Session, article: Article) -> AudioFile | None:
    """The immutable file of the article's current audio."""
    if article.audio_key is None:
        return None
    return session.scalars(
        select(AudioFile).where(
            AudioFile.article_id == article.id, AudioFile.key == article.audio_key
        )
    ).first()


# --- what a site publishes -----------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One ready, published article with its current immutable audio."""

    article_id: str
    title: str
    published: dt.datetime
    url: str | None
    address: str
    bytes: int
    duration: float
    summary: str


def _published_query(site: str, limit: int) -> Any:
    moment = func.coalesce(Article.published_at, Article.created_at)
    return (
        select(
            Article.id,
            Article.title,
            moment,
            Article.url,
            AudioFile.address,
            AudioFile.bytes,
            AudioFile.duration,
            AudioFile.summary,
        )
        .join(
            AudioFile,
            (AudioFile.article_id == Article.id) & (AudioFile.key == Article.audio_key),
        )
        .where(
            Article.site == site,
            Article.published.is_(True),
            Article.audio_key.is_not(None),
        )
        .order_by(moment.desc(), Article.id.desc())
        .limit(limit)
    )


def published_articles(session: Session, site: str, limit: int) -> list[Published]:
    """The site's ready, published articles (their last finished audio), newest first.

    An article whose new revision is being made stays with the audio it has; drafts and
    deleted articles never appear."""
    rows = session.execute(_published_query(site, limit)).all()
    return [
        Published(
            article_id=r[0],
            title=r[1],
            published=as_utc(r[2]) or now(),
            url=r[3],
            address=r[4],
            bytes=r[5],
            duration=r[6],
            summary=r[7],
        )
        for r in rows
    ]


def feed_item(item: Published, urls: Urls) -> FeedItem:
    return FeedItem(
        guid=GUID_PREFIX + item.article_id,
        title=item.title or "Loa",
        description=item.summary or item.title or "Loa",
        audio_url=urls.audio(item.address),
        audio_bytes=item.bytes,
        duration=item.duration,
        published=item.published,
        transcript_url=urls.transcript(item.article_id),
        link=item.url,
    )


def audio_rows(session: Session, addresses: Sequence[str]) -> dict[str, AudioFile]:
    """Audio files by address (for the segment timings of a site's HLS playlist)."""
    if not addresses:
        return {}
    rows = session.scalars(select(AudioFile).where(AudioFile.address.in_(addresses))).all()
    return {row.address: row for row in rows}


def forget_article(session: Session, article: Article) -> None:
    """Before an article is deleted: its files go with it (no commit)."""
    session.execute(delete(AudioFile).where(AudioFile.article_id == article.id))
    touch(session, article.site)
