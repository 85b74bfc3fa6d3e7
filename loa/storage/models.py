"""SQLAlchemy models: the database is the record of what must be done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One article of one site. Re-posting with the same site + external_id makes a new
    revision of this row; its audio for the last finished revision stays served meanwhile."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("site", "external_id", name="uq_articles_site_external"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site: Mapped[str] = mapped_column(String(100), index=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    url: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(10))  # text | html | url
    source: Mapped[str] = mapped_column(Text)  # the text or HTML as posted ("" for url)
    captions: Mapped[bool] = mapped_column(default=False)
    # False: a draft, rendered but kept out of the site's feed and playlists
    published: Mapped[bool] = mapped_column(default=True, server_default=true())
    voice: Mapped[str | None] = mapped_column(String(50))
    engine_choice: Mapped[str | None] = mapped_column(String(30))  # asked for in the post
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    segments_done: Mapped[int] = mapped_column(Integer, default=0)
    segments_total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(300))  # "host:pid" of the job

    engine: Mapped[str | None] = mapped_column(String(30))
    engine_note: Mapped[str | None] = mapped_column(Text)
    voice_used: Mapped[str | None] = mapped_column(String(50))
    duration: Mapped[float | None] = mapped_column(Float)
    audio_key: Mapped[str | None] = mapped_column(String(200))
    audio_revision: Mapped[int | None] = mapped_column(Integer)
    audio_bytes: Mapped[int | None] = mapped_column(Integer)
    playlist: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # made offline while the online engine was down: re-made with it in the background
    upgrade_pending: Mapped[bool] = mapped_column(default=False)
    segments_cached: Mapped[int] = mapped_column(Integer, default=0)  # of the last rendering
    online_requests: Mapped[int] = mapped_column(Integer, default=0)  # requests sent, retries in
    online_retries: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SiteLexicon(Base):
    """A site's pronunciation lexicon: written form -> spoken form."""

    __tablename__ = "site_lexicons"

    site: Mapped[str] = mapped_column(String(100), primary_key=True)
    entries: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Site(Base):
    """A site's publishing metadata (``loa.publishing.site.SiteMeta`` as JSON), artwork,
    default engine and voice (a post's own ``engine``/``voice`` win) and integration settings
    (webhook secret, callback URL, allowed browser origins).

    ``changed_at`` moves whenever what the site publishes changes (metadata, artwork, an
    article made ready, published, unpublished or deleted): the feed's Last-Modified."""

    __tablename__ = "sites"

    site: Mapped[str] = mapped_column(String(100), primary_key=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    artwork_address: Mapped[str | None] = mapped_column(String(64))  # content address
    artwork_type: Mapped[str | None] = mapped_column(String(20))  # image/png | image/jpeg
    artwork: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # the site's default engine and voice (None: LOA_ENGINE / the engine's default voice)
    engine: Mapped[str | None] = mapped_column(String(30))
    voice: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # integration (loa.site_settings): the secret is write-only, never returned
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    callback_url: Mapped[str | None] = mapped_column(Text)
    allowed_origins: Mapped[list[str] | None] = mapped_column(JSON)


class AudioFile(Base):
    """One rendered revision's MP3 under its content address (immutable URL).

    Kept while its article exists (rows go with the article: ON DELETE CASCADE); once replaced
    by a newer revision (``replaced_at``), kept ``LOA_REPLACED_AUDIO_RETENTION_HOURS`` more.
    ``segments`` holds [start, duration, reader's text] per segment, for the transcript and
    the HLS cuts of this very file; ``summary`` is the feed item's description."""

    __tablename__ = "audio_files"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    bytes: Mapped[int] = mapped_column(Integer)
    duration: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="")
    segments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    """A site's API key. Only the SHA-256 of the key is kept; the key is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public, part of the key
    site: Mapped[str] = mapped_column(String(100), index=True)
    scope: Mapped[str] = mapped_column(String(10))  # write | read
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookReceipt(Base):
    """One webhook delivery received (X-Loa-Delivery): a repeat gets the first answer."""

    __tablename__ = "webhook_receipts"

    site: Mapped[str] = mapped_column(String(100), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CallbackDelivery(Base):
    """One event to POST to a site's callback URL (the outbox), with its delivery log."""

    __tablename__ = "callback_deliveries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site: Mapped[str] = mapped_column(String(100), index=True)
    article_id: Mapped[str | None] = mapped_column(String(32), index=True)
    event: Mapped[str] = mapped_column(String(30))
    url: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
