"""data-playlist="SITE": the player plays a site's playlist from one article to the next."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.host import HostSite, host_page
from tests.integration.stack import Stack

SITE = "chuoi"
ARTICLES = (  # oldest first; the playlist plays newest first
    ("Tin thứ nhất", "Bản tin thứ nhất rất ngắn.", "2026-11-01T08:00:00+07:00"),
    ("Tin thứ hai", "Bản tin thứ hai cũng ngắn.", "2026-11-02T08:00:00+07:00"),
)
PLAYER = "document.querySelector('[data-loa-player]')._loaPlayer"


def test_a_site_playlist_plays_one_article_after_the_next(
    loa: Stack, site: HostSite, context: Any, console: Any
) -> None:
    ids = []
    with loa.client() as c:
        for title, text, published in ARTICLES:
            r = c.post(
                "/v1/articles",
                json={
                    "title": title,
                    "site": SITE,
                    "external_id": uuid.uuid4().hex,
                    "text": text,
                    "published_at": published,
                },
            )
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    for article_id in ids:
        assert loa.wait_ready(article_id)["status"] == "ready"
    newest, older = ids[1], ids[0]
    embed = (
        f'<div data-loa-player data-playlist="{SITE}" data-base="{loa.base_url}"></div>'
        f'<script src="{loa.base_url}/player.js" async></script>'
    )
    url = site.add(f"/{uuid.uuid4().hex}.html", host_page(loa.base_url, "", embed=embed))
    page = console.attach(context.new_page())
    page.goto(url)
    page.get_by_role("button", name="Đọc nội dung").wait_for(timeout=30_000)
    assert page.evaluate(f"() => {PLAYER}.cfg.article") == newest
    page.get_by_role("button", name="Đọc nội dung").click()
    # the newest article plays, ends, and the next one starts by itself
    page.wait_for_function(f"() => {PLAYER}.cfg.article === '{older}'", timeout=60_000)
    page.wait_for_function(
        f"() => {PLAYER}.doc && {PLAYER}.doc.title === 'Tin thứ nhất' && "
        f"!{PLAYER}.el.audio.paused && {PLAYER}.pos() > 0.2",
        timeout=60_000,
    )
    # and the last one ends the playlist: nothing more to play
    page.wait_for_function(f"() => {PLAYER}.el.audio.ended", timeout=60_000)
    assert page.evaluate(f"() => {PLAYER}.qi") == 1
