"""Build time of a site's podcast feed with 500 items, against a raw string-template baseline.

Loa builds the feed from stored data on every change (``loa.publishing.feed.build_feed``:
lxml elements, NFC and control-character cleaning, escaping by the serializer). The baseline
writes the same elements with f-strings and ``xml.sax.saxutils`` escaping, nothing else: the
least any builder can cost. Target: under 200 ms for 500 items. The median of ``--repeat``
runs is printed, with the ratio to the baseline.

    .venv/bin/python bench/feed.py [--items N] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loa.publishing.feed import FeedItem, build_feed, rfc2822
from loa.publishing.site import SiteMeta, parse_site

TARGET_MS = 200.0
FEED_URL = "https://loa.example.vn/v1/sites/langson/feed.xml"
IMAGE_URL = "https://loa.example.vn/v1/sites/langson/artwork/3f2a9c.png"


def sample(n: int) -> tuple[SiteMeta, list[FeedItem]]:
    site = parse_site(
        {
            "title": "Cổng thông tin điện tử tỉnh Lạng Sơn — Nghe tin",
            "description": "Các bài viết của Cổng thông tin, đọc bằng giọng nói. " * 20,
            "link": "https://langson.gov.vn",
            "author": "UBND tỉnh Lạng Sơn",
            "owner_name": "Ban biên tập",
            "owner_email": "bbt@langson.gov.vn",
            "subcategory": "Daily News",
            "copyright": "© 2026 UBND tỉnh Lạng Sơn",
        }
    )
    start = dt.datetime(2026, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    items = [
        FeedItem(
            guid=f"loa:article:{i:06d}",
            title=f'Hội thảo khoa học & công nghệ số {i}: "chuyển đổi số" <2026>',
            description="Ngày 16/5/2022, Sở Khoa học và Công nghệ tổ chức hội thảo... " * 5,
            audio_url=f"https://loa.example.vn/v1/audio/{i:08x}9f1c2b.mp3",
            audio_bytes=2_000_000 + i,
            duration=300.0 + i,
            published=start + dt.timedelta(hours=i),
            transcript_url=f"https://loa.example.vn/v1/articles/{i:08x}/transcript.vtt",
            link=f"https://langson.gov.vn/tin-tuc/bai-{i}.html",
        )
        for i in range(n)
    ]
    return site, items


def raw_feed(site: SiteMeta, items: list[FeedItem]) -> bytes:
    """The same elements as plain string templates (the baseline)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>',
        f"<title>{escape(site.title)}</title><link>{escape(site.link)}</link>",
        f"<description>{escape(site.description)}</description>",
        f"<language>{site.language}</language><itunes:image href={quoteattr(IMAGE_URL)}/>",
    ]
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        parts.append(
            f"<item><title>{escape(item.title)}</title>"
            f"<description>{escape(item.description)}</description>"
            f'<enclosure url={quoteattr(item.audio_url)} length="{item.audio_bytes}" '
            f'type="audio/mpeg"/><guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<pubDate>{rfc2822(item.published)}</pubDate>"
            f"<itunes:duration>{round(item.duration)}</itunes:duration>"
            f'<podcast:transcript url={quoteattr(item.transcript_url or "")} type="text/vtt"/>'
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def median_seconds(work: Callable[[], bytes], repeat: int) -> tuple[float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        began = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - began)
    return statistics.median(times), size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args(argv)
    site, items = sample(args.items)
    loa, loa_size = median_seconds(
        lambda: build_feed(site, FEED_URL, IMAGE_URL, items), args.repeat
    )
    raw, raw_size = median_seconds(lambda: raw_feed(site, items), args.repeat)
    print(
        f"{args.items} items: Loa {loa * 1000:.1f} ms ({loa_size} bytes), "
        f"raw templates {raw * 1000:.1f} ms ({raw_size} bytes): {loa / raw:.2f}x"
    )
    verdict = "OK" if loa * 1000 < TARGET_MS else "OVER"
    print(f"target < {TARGET_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
