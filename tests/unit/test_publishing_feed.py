"""The podcast feed, read back by a strict XML parser and by feedparser."""

from __future__ import annotations

import datetime as dt
import email.utils
import unicodedata
import uuid

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from loa.publishing.feed import ITUNES, PODCAST, FeedItem, build_feed, podcast_guid, rfc2822
from loa.publishing.site import parse_site

FEED_URL = "https://loa.example.vn/v1/sites/langson/feed.xml"
IMAGE_URL = "https://loa.example.vn/v1/sites/langson/artwork/3f2a.png"
HOSTILE = "Tin \"nóng\" <b>&amp; 'quan trọng' 🔊 & <script>"
DECOMPOSED = unicodedata.normalize("NFD", "Lạng Sơn: Hội thảo khoa học")
NS = {"itunes": ITUNES, "podcast": PODCAST}
ICT = dt.timezone(dt.timedelta(hours=7))


def _site(**extra: object) -> dict[str, object]:
    return {
        "title": HOSTILE,
        "description": DECOMPOSED + " & <mô tả>",
        "link": "https://langson.gov.vn/?a=1&b=2",
        "author": "Sở KH&CN <Lạng Sơn>",
        "owner_name": "Ban biên tập",
        "owner_email": "bbt@langson.gov.vn",
        "category": "News",
        "subcategory": "Daily News",
        "explicit": False,
        "copyright": "© 2026 UBND tỉnh Lạng Sơn",
        **extra,
    }


def _items() -> list[FeedItem]:
    return [
        FeedItem(
            guid=f"loa:article:{n}",
            title=[HOSTILE, DECOMPOSED, 'Bản tin 🎙️ "trưa"'][n % 3],
            description=f"Mô tả {n} & <chi tiết>",
            audio_url=f"https://loa.example.vn/v1/audio/{n:04x}abcd.mp3",
            audio_bytes=100_000 + n,
            duration=60.4 + n,
            published=dt.datetime(2026, 5, 1 + n, 8, 30, tzinfo=ICT),
            transcript_url=f"https://loa.example.vn/v1/articles/{n}/transcript.vtt",
            link=f"https://langson.gov.vn/bai-{n}",
        )
        for n in range(3)
    ]


def _feed(**extra: object) -> bytes:
    return build_feed(parse_site(_site(**extra)), FEED_URL, IMAGE_URL, _items())


def _find(parent: etree._Element, path: str) -> etree._Element:
    found = parent.find(path, NS)
    assert found is not None, path
    return found


def _attr(parent: etree._Element, path: str, name: str) -> str | None:
    return _find(parent, path).get(name)


def _strict(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(recover=False, resolve_entities=False))


def test_every_channel_element_is_there_and_true() -> None:
    channel = _find(_strict(_feed()), "channel")
    assert channel.findtext("title") == unicodedata.normalize("NFC", HOSTILE)
    assert channel.findtext("link") == "https://langson.gov.vn/?a=1&b=2"
    assert (
        channel.findtext("description") == unicodedata.normalize("NFC", DECOMPOSED) + " & <mô tả>"
    )
    assert channel.findtext("language") == "vi"
    assert channel.findtext("copyright") == "© 2026 UBND tỉnh Lạng Sơn"
    assert _attr(channel, "itunes:image", "href") == IMAGE_URL
    assert _attr(channel, "itunes:category", "text") == "News"
    assert _attr(channel, "itunes:category/itunes:category", "text") == "Daily News"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:author", namespaces=NS) == "Sở KH&CN <Lạng Sơn>"
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == "Ban biên tập"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "bbt@langson.gov.vn"
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(FEED_URL)
    assert channel.findtext("podcast:locked", namespaces=NS) == "no"


def test_items_newest_first_with_every_element() -> None:
    items = _strict(_feed()).findall("channel/item")
    assert [i.findtext("guid") for i in items] == [
        "loa:article:2",
        "loa:article:1",
        "loa:article:0",
    ]
    for element, source in zip(items, reversed(_items()), strict=True):
        assert element.findtext("title") == unicodedata.normalize("NFC", source.title)
        assert element.findtext("description") == source.description
        assert _attr(element, "enclosure", "url") == source.audio_url
        assert _attr(element, "enclosure", "length") == str(source.audio_bytes)
        assert _attr(element, "enclosure", "type") == "audio/mpeg"
        assert _attr(element, "guid", "isPermaLink") == "false"
        published = email.utils.parsedate_to_datetime(element.findtext("pubDate") or "")
        assert published == source.published
        assert element.findtext("itunes:duration", namespaces=NS) == str(round(source.duration))
        assert _attr(element, "podcast:transcript", "url") == source.transcript_url
        assert _attr(element, "podcast:transcript", "type") == "text/vtt"


def test_feedparser_reads_the_same() -> None:
    parsed = feedparser.parse(_feed())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == unicodedata.normalize("NFC", HOSTILE)
    assert parsed.feed.language == "vi"
    # (feedparser 6 reads itunes:explicit the old way, "yes"/"clean": checked with lxml above)
    assert parsed.feed.podcast_guid == podcast_guid(FEED_URL)
    assert parsed.feed.image.href == IMAGE_URL
    assert [e.id for e in parsed.entries] == ["loa:article:2", "loa:article:1", "loa:article:0"]
    first = parsed.entries[0]
    assert first.enclosures[0].href.endswith("0002abcd.mp3")
    assert int(first.enclosures[0].length) == 100_002
    assert first.itunes_duration == "62"


def test_explicit_true_and_locked() -> None:
    channel = _find(_strict(_feed(explicit=True, locked=True)), "channel")
    assert channel.findtext("itunes:explicit", namespaces=NS) == "true"
    locked = _find(channel, "podcast:locked")
    assert locked.text == "yes" and locked.get("owner") == "bbt@langson.gov.vn"


def test_podcast_guid_follows_podcasting_2_0() -> None:
    # the example in the Podcasting 2.0 namespace documentation
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    expected = str(uuid.uuid5(namespace, "loa.example.vn/feed.xml"))
    for url in ("https://loa.example.vn/feed.xml/", "http://loa.example.vn/feed.xml"):
        assert podcast_guid(url) == expected


def test_xml_declaration_as_apple_documents_it() -> None:
    assert _feed().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss ')


def test_same_data_same_bytes() -> None:
    assert _feed() == _feed()


def test_rfc2822_dates() -> None:
    moment = dt.datetime(2022, 5, 16, 8, 30, tzinfo=ICT)
    assert rfc2822(moment) == "Mon, 16 May 2022 08:30:00 +0700"
    assert rfc2822(dt.datetime(2022, 5, 16)) == "Mon, 16 May 2022 00:00:00 +0000"


@given(st.text(min_size=1, max_size=80))
def test_any_title_gives_a_valid_feed(title: str) -> None:
    item = FeedItem("g", title, title, "https://x.vn/a.mp3", 1, 1.0, dt.datetime(2026, 1, 1))
    site = parse_site(_site())
    xml = build_feed(site, FEED_URL, IMAGE_URL, [item])
    parsed = _strict(xml).findtext("channel/item/title") or ""
    assert unicodedata.is_normalized("NFC", parsed)
    assert not feedparser.parse(xml).bozo


def test_empty_site_feed_is_valid() -> None:
    xml = build_feed(parse_site(_site()), FEED_URL, IMAGE_URL, [])
    assert _strict(xml).find("channel/item") is None
    assert not feedparser.parse(xml).bozo


@pytest.mark.parametrize("n", [500])
def test_a_500_item_feed_parses(n: int) -> None:
    base = _items()[0]
    items = [
        FeedItem(
            f"g{i}",
            base.title,
            base.description,
            f"https://x.vn/{i}.mp3",
            i,
            1.0,
            base.published + dt.timedelta(minutes=i),
        )
        for i in range(n)
    ]
    xml = build_feed(parse_site(_site()), FEED_URL, IMAGE_URL, items)
    assert len(_strict(xml).findall("channel/item")) == n
