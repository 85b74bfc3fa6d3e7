"""A site's podcast feed: RSS 2.0 with the itunes and Podcasting 2.0 namespaces, from plain data.

Built with lxml directly rather than feedgen: feedgen has no Podcasting 2.0 namespace
(podcast:guid, podcast:locked, podcast:transcript) and writes ``itunes:explicit`` as
"yes"/"clean", where Apple now wants "true"/"false". lxml escapes every text and attribute
value and refuses what XML 1.0 cannot carry, so a feed it serializes is well-formed by
construction; all text is NFC-normalized and stripped of control characters first.

The channel carries every element Apple requires (title, description, itunes:image, language,
itunes:category, itunes:explicit) plus link, itunes:author, itunes:owner, copyright,
podcast:guid (UUIDv5 of the feed URL), podcast:locked and an atom:link to itself. Items come
newest first with title, description, enclosure (URL, byte length, audio/mpeg), a guid stable
across revisions (isPermaLink="false"), pubDate (RFC 2822), itunes:duration (whole seconds) and
podcast:transcript (WebVTT) when there is one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from loa.publishing.site import SiteMeta, clean_text

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
# Podcasting 2.0: podcast:guid is a UUIDv5 of the feed URL in this namespace
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
# lxml writes the declaration with single quotes; Apple documents (and some validators expect)
# exactly this one
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
CONTENT_RSS = "application/rss+xml"
CONTENT_TYPE = f"{CONTENT_RSS}; charset=utf-8"


@dataclass(frozen=True)
class FeedItem:
    """One ready, published article as the feed shows it."""

    guid: str  # stable for the article across revisions
    title: str
    description: str
    audio_url: str  # the revision's immutable URL
    audio_bytes: int  # its true length
    duration: float  # seconds, as decoded
    published: dt.datetime  # timezone-aware
    transcript_url: str | None = None
    link: str | None = None
    explicit: bool | None = None  # None: as the site


def podcast_guid(feed_url: str) -> str:
    """podcast:guid for ``feed_url``: UUIDv5 of the URL without its scheme and trailing
    slashes, in the Podcasting 2.0 namespace."""
    bare = feed_url.strip()
    if "://" in bare:
        bare = bare.split("://", 1)[1]
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare.rstrip("/")))


def rfc2822(moment: dt.datetime) -> str:
    """``Tue, 17 May 2022 08:30:00 +0700``; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return email.utils.format_datetime(moment)


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _sub(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    attrs: dict[str, str] | None = None,
) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: clean_text(v) for k, v in (attrs or {}).items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _it(name: str) -> str:
    return f"{{{ITUNES}}}{name}"


def _pc(name: str) -> str:
    return f"{{{PODCAST}}}{name}"


def newest_first(items: Sequence[FeedItem]) -> list[FeedItem]:
    return sorted(items, key=lambda i: (i.published, i.guid), reverse=True)


def build_feed(
    site: SiteMeta,
    feed_url: str,
    image_url: str,
    items: Sequence[FeedItem],
    updated: dt.datetime | None = None,
) -> bytes:
    """The feed as UTF-8 XML bytes. ``updated`` (default: the newest item's date) becomes
    lastBuildDate, so the same data always gives the same bytes (stable ETags)."""
    ordered = newest_first(items)
    rss = etree.Element("rss", {"version": "2.0"}, nsmap=NSMAP)
    channel = _sub(rss, "channel")
    _sub(channel, "title", site.title)
    _sub(channel, "link", site.link)
    _sub(channel, "description", site.description)
    _sub(channel, "language", site.language)
    _sub(channel, f"{{{ATOM}}}link", None, {"href": feed_url, "rel": "self", "type": CONTENT_RSS})
    _sub(channel, "generator", "Loa")
    if site.copyright:
        _sub(channel, "copyright", site.copyright)
    last = updated or (ordered[0].published if ordered else None)
    if last is not None:
        _sub(channel, "lastBuildDate", rfc2822(last))
    _sub(channel, _it("image"), None, {"href": image_url})
    category = _sub(channel, _it("category"), None, {"text": site.category})
    if site.subcategory:
        _sub(category, _it("category"), None, {"text": site.subcategory})
    _sub(channel, _it("explicit"), _bool_text(site.explicit))
    _sub(channel, _it("type"), "episodic")
    if site.author:
        _sub(channel, _it("author"), site.author)
    if site.owner_name or site.owner_email:
        owner = _sub(channel, _it("owner"))
        if site.owner_name:
            _sub(owner, _it("name"), site.owner_name)
        if site.owner_email:
            _sub(owner, _it("email"), site.owner_email)
    _sub(channel, _pc("guid"), podcast_guid(feed_url))
    locked = {"owner": site.owner_email} if site.owner_email else {}
    _sub(channel, _pc("locked"), "yes" if site.locked else "no", locked)
    for item in ordered:
        _item(channel, item)
    body = etree.tostring(rss, encoding="UTF-8", pretty_print=True)
    return XML_DECLARATION + bytes(body)


def _item(channel: etree._Element, item: FeedItem) -> None:
    element = _sub(channel, "item")
    _sub(element, "title", item.title)
    _sub(element, "description", item.description)
    if item.link:
        _sub(element, "link", item.link)
    enclosure = {"url": item.audio_url, "length": str(item.audio_bytes), "type": "audio/mpeg"}
    _sub(element, "enclosure", None, enclosure)
    _sub(element, "guid", item.guid, {"isPermaLink": "false"})
    _sub(element, "pubDate", rfc2822(item.published))
    _sub(element, _it("duration"), str(max(1, round(item.duration))))
    if item.explicit is not None:
        _sub(element, _it("explicit"), _bool_text(item.explicit))
    if item.transcript_url:
        _sub(element, _pc("transcript"), None, {"url": item.transcript_url, "type": "text/vtt"})
