"""What a site publishes: its latest ready, published articles, and the JSON playlist of them.

``published_items`` is the one rule shared by the feed and the playlists: only articles that
are ready and published (not drafts, not deleted), newest first, at most ``limit``. The JSON
playlist lists, per article, its immutable audio URL, duration and transcript, for a player that
plays one article after the next ("Nghe tin mới").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loa.publishing.feed import FeedItem, newest_first, rfc2822
from loa.publishing.site import clean_text

CONTENT_ADDRESS_CHARS = 32  # hex digits of SHA-256 in an immutable audio URL (128 bits)
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Candidate:
    """An article as storage knows it, reduced to what publishing decides on."""

    item: FeedItem
    ready: bool
    published: bool  # False: a draft
    deleted: bool = False


def published_items(candidates: Iterable[Candidate], limit: int | None = None) -> list[FeedItem]:
    """Ready, published, not deleted; newest first; at most ``limit``."""
    chosen = [c.item for c in candidates if c.ready and c.published and not c.deleted]
    ordered = newest_first(chosen)
    return ordered if limit is None else ordered[: max(0, limit)]


def content_address(audio: bytes) -> str:
    """The name of an immutable audio URL and its strong ETag: SHA-256 of the bytes, in hex.

    Equal bytes, equal address; any change of content, a new address (never new bytes at an
    old URL, which podcast apps would fetch forever).
    """
    return hashlib.sha256(audio).hexdigest()[:CONTENT_ADDRESS_CHARS]


def content_address_of_file(path: Path | None, data: bytes = b"") -> str:
    """``content_address`` of a file's bytes, read in chunks (or of ``data`` without a path)."""
    digest = hashlib.sha256()
    if path is None:
        digest.update(data)
    else:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:CONTENT_ADDRESS_CHARS]


def site_playlist_json(site: str, items: Sequence[FeedItem]) -> dict[str, Any]:
    """The site playlist as JSON-ready data: newest first, with total duration."""
    ordered = newest_first(items)
    return {
        "site": site,
        "count": len(ordered),
        "duration": round(sum(i.duration for i in ordered), 3),
        "items": [
            {
                "id": i.guid,
                "title": clean_text(i.title),
                "audio": i.audio_url,
                "bytes": i.audio_bytes,
                "duration": round(i.duration, 3),
                "published": rfc2822(i.published),
                "published_iso": i.published.isoformat(),
                "transcript": i.transcript_url,
                "link": i.link,
            }
            for i in ordered
        ],
    }
