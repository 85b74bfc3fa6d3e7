"""A site's podcast feed with 500 items, from stored data, through HTTP.

Stores a site and N ready, published articles with their immutable audio rows (as the worker
leaves them) in a fresh SQLite database, starts the real API (uvicorn), and times
``GET /v1/sites/<site>/feed.xml``: the query, building the feed with lxml and the answer, the
whole request as a podcast app sees it. The baseline is the same request for a site with no
articles (the fixed cost of HTTP, the app and the database), so the difference is what 500
items cost. Target: under 200 ms for 500 items. The median of ``--repeat`` requests is printed.

    .venv/bin/python bench/feed_http.py [--items N] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loa.publishing.site import parse_site  # noqa: E402
from loa.runtime import free_port, stop_process  # noqa: E402
from loa.storage.db import migrate, session_scope  # noqa: E402
from loa.storage.models import Article, AudioFile, Site  # noqa: E402

TARGET_MS = 200.0
SITE, EMPTY = "langson", "empty"
META = {
    "title": "Cổng thông tin điện tử tỉnh Lạng Sơn — Nghe tin",
    "description": "Các bài viết của Cổng thông tin, đọc bằng giọng nói. " * 20,
    "link": "https://langson.gov.vn",
    "author": "UBND tỉnh Lạng Sơn",
    "owner_name": "Ban biên tập",
    "owner_email": "bbt@langson.gov.vn",
    "subcategory": "Daily News",
    "copyright": "© 2026 UBND tỉnh Lạng Sơn",
}


def populate(url: str, items: int) -> None:
    migrate(url)
    meta = parse_site(META).to_dict()
    start = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)
    with session_scope(url) as s:
        s.add(Site(site=SITE, meta=meta))
        s.add(Site(site=EMPTY, meta=meta))
        for i in range(items):
            article_id = uuid.uuid4().hex
            key = f"articles/{article_id}/r1.mp3"
            s.add(
                Article(
                    id=article_id,
                    site=SITE,
                    external_id=f"bai-{i}",
                    title=f'Hội thảo khoa học & công nghệ số {i}: "chuyển đổi số" <2026>',
                    published_at=start + dt.timedelta(hours=i),
                    url=f"https://langson.gov.vn/tin-tuc/bai-{i}.html",
                    source_kind="text",
                    source="",
                    content_hash=uuid.uuid4().hex,
                    status="ready",
                    audio_key=key,
                    audio_revision=1,
                    duration=300.0 + i,
                )
            )
            s.flush()
            s.add(
                AudioFile(
                    address=uuid.uuid4().hex,
                    article_id=article_id,
                    revision=1,
                    key=key,
                    bytes=2_000_000 + i,
                    duration=300.0 + i,
                    summary="Ngày 16/5/2022, Sở Khoa học và Công nghệ tổ chức hội thảo... " * 5,
                    segments=[],
                )
            )


def timed(client: httpx.Client, path: str, repeat: int) -> tuple[float, int]:
    """Median milliseconds of ``repeat`` GETs of ``path`` and the body's size."""
    size = len(client.get(path).content)  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text
    return statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/loa.db"
        populate(url, args.items)
        port = free_port()
        env = dict(os.environ, LOA_DATA_DIR=tmp, DATABASE_URL=url, LOA_LOG_LEVEL="WARNING")
        env["LOA_API_KEYS"] = "bench-only"  # reads are public; quiets the open-mode warning
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "service.app:app_factory"]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env,
            cwd=REPO,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(base + "/healthz", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=30) as client:
                full, size = timed(client, f"/v1/sites/{SITE}/feed.xml", args.repeat)
                empty, _ = timed(client, f"/v1/sites/{EMPTY}/feed.xml", args.repeat)
        finally:
            stop_process(api)
    verdict = "ok" if full < TARGET_MS else "OVER TARGET"
    print(
        f"feed.xml with {args.items} items through HTTP: {full:.1f} ms ({size} bytes); "
        f"empty feed {empty:.1f} ms; items cost {full - empty:.1f} ms "
        f"(target < {TARGET_MS:.0f} ms: {verdict})"
    )
    return 0 if full < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
