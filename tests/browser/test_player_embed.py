"""The player on a host page of another origin, in headless Chromium, against the real stack."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import axe_violations, fold, highlighted, player_state
from tests.browser.host import HostSite, article_html, host_page, script_tag
from tests.integration.stack import Stack

SAMPLE = "langson-khcn-2022"


def post(loa: Stack, **body: Any) -> dict[str, Any]:
    with loa.client() as c:
        r = c.post("/v1/articles", json=body)
    assert r.status_code in (200, 202), r.text
    return r.json()


def sample_page(loa: Stack, site: HostSite, corpus: Path, external_id: str, **extra: str) -> str:
    paragraphs = (corpus / "articles" / f"{SAMPLE}.expected.txt").read_text().split("\n")
    paragraphs = [p for p in paragraphs[1:] if p.strip()]
    embed = script_tag(
        loa.base_url, site="langson", external_id=external_id, target="#article-body", **extra
    )
    return site.add(
        f"/{external_id}.html",
        host_page(loa.base_url, article_html(paragraphs), embed=embed, title="Hội thảo khoa học"),
    )


def test_button_appears_once_audio_exists_then_plays_with_highlight(
    loa: Stack, site: HostSite, context: Any, console: Any, corpus_dir: Path, screenshots: Path
) -> None:
    external_id = f"khcn-{uuid.uuid4().hex[:8]}"
    url = sample_page(loa, site, corpus_dir, external_id)
    page = console.attach(context.new_page())
    page.goto(url)
    page.wait_for_selector("loa-player", state="attached")
    time.sleep(1.5)  # the player has asked (and been told there is nothing yet)
    assert player_state(page)["hidden"] is True
    assert page.get_by_role("button", name="Đọc nội dung").count() == 0
    assert page.locator("loa-player").bounding_box() is None  # takes no space at all

    raw = (corpus_dir / "articles" / f"{SAMPLE}.txt").read_text()
    article = post(loa, text=raw, site="langson", external_id=external_id, title="Hội thảo")
    button = page.get_by_role("button", name="Đọc nội dung")
    button.wait_for(timeout=60_000)  # no reload: the player polls
    assert axe_violations(page) == []
    loa.wait_ready(article["id"])
    page.screenshot(path=str(screenshots / "desktop-button.png"))

    button.click()
    page.wait_for_function(
        "() => document.querySelector('loa-player')._loaPlayer.pos() > 1.0", timeout=60_000
    )
    state = player_state(page)
    assert state["paused"] is False and state["main"] == "Tạm dừng"
    assert state["now"] >= 1 and state["max"] > 60
    assert " trên " in state["valuetext"] and "giây" in state["valuetext"]
    page.get_by_role("button", name="Tạm dừng").wait_for()
    assert page.get_by_role("slider", name="Vị trí phát").count() == 1
    for name in ("Lùi 10 giây", "Tới 10 giây"):
        assert page.get_by_role("button", name=name).count() == 1
    session = page.evaluate("""() => ({
        title: navigator.mediaSession.metadata.title,
        artist: navigator.mediaSession.metadata.artist})""")
    assert session["title"] and session["artist"] == "langson"
    assert page.get_by_role("link", name="Tải về").get_attribute("href").endswith("download.mp3")

    # the highlight covers the sentence being heard
    with loa.client() as c:
        segments = c.get(f"/v1/articles/{article['id']}/playlist.json").json()["segments"]
    on_page = fold(page.inner_text("#article-body"))
    shown = [s for s in segments if s["kind"] != "title" and fold(s["text"]) in on_page]
    target = shown[1]  # the article's own first sentences may not be on the page
    page.get_by_role("button", name="Tới 10 giây").click()
    page.wait_for_function(
        f"() => document.querySelector('loa-player')._loaPlayer.pos() > {target['start'] + 0.2}",
        timeout=30_000,
    )
    seen = highlighted(page)
    heard = [s for s in segments if s["start"] <= seen["time"]][-1]
    assert fold(heard["text"]) in on_page
    assert seen["text"] is not None, (
        heard,
        page.evaluate("""() => {
        const p = document.querySelector("loa-player")._loaPlayer;
        return JSON.stringify({ranges: p.ranges.map(r => !!r), cur: p.cur, pos: p.pos(),
            hl: !!CSS.highlights.get('loa-reading'), mine: !!p.hl});
    }"""),
    )
    assert fold(seen["text"]) == fold(heard["text"])
    page.screenshot(path=str(screenshots / "desktop-playing.png"))
    assert axe_violations(page) == []

    # pause: the position stops (once on the whole file: the switch from the progressive stream
    # happens in a pause between sentences, and is tested in test_player_progressive.py)
    page.wait_for_function(
        "() => document.querySelector('loa-player')._loaPlayer.mode === 'full'", timeout=30_000
    )
    page.get_by_role("button", name="Tạm dừng").click()
    page.get_by_role("button", name="Phát").wait_for()
    paused_at = player_state(page)["time"]
    time.sleep(0.5)
    assert abs(player_state(page)["time"] - paused_at) < 0.01


@pytest.mark.parametrize("kind", ["unknown", "failed", "deleted"])
def test_no_button_for_unknown_failed_or_deleted_articles(
    loa: Stack, site: HostSite, context: Any, console: Any, kind: str
) -> None:
    external_id = f"{kind}-{uuid.uuid4().hex[:8]}"
    if kind == "failed":
        row = post(loa, text="... --- ...", site="langson", external_id=external_id)
        assert loa.wait_ready(row["id"])["status"] == "failed"
    if kind == "deleted":
        row = post(
            loa,
            text=f"Bài viết {external_id} sẽ bị xóa ngay.",
            site="langson",
            external_id=external_id,
        )
        loa.wait_ready(row["id"])
        with loa.client() as c:
            assert c.delete(f"/v1/articles/{row['id']}").status_code == 204
    embed = script_tag(loa.base_url, site="langson", external_id=external_id)
    url = site.add(f"/{external_id}.html", host_page(loa.base_url, "<p>Nội dung.</p>", embed=embed))
    page = console.attach(context.new_page())
    with page.expect_response(lambda r: "/v1/player/lookup" in r.url) as answer:
        page.goto(url)
    assert answer.value.status == 200
    time.sleep(1)
    assert player_state(page)["hidden"] is True
    assert page.locator("loa-player").bounding_box() is None
