"""Progressive playback: the button appears and plays while the article is still being made,
and the player moves to the whole file at the same position once it is ready.

The online engine is the Google stand-in answering each request in 0.5 s; the article is a
5,000-character one from the shared corpus. The time from POST to the first audible position is
written to screenshots/progressive.txt (a figure for people, never an assertion).
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import player_state
from tests.browser.host import HostSite, article_html, host_page, script_tag
from tests.fakes.google_tts import FakeGoogleTTS
from tests.integration.stack import Stack

ARTICLE = "05-dantri-khoi-cong-nha-ga-t3.expected.txt"
POS = "document.querySelector('loa-player')._loaPlayer.pos()"


@pytest.fixture
def slow_google(google: FakeGoogleTTS) -> Iterator[FakeGoogleTTS]:
    google.mode, google.delay = "slow", 0.5
    yield google
    google.mode = "ok"


def status(loa: Stack, article_id: str) -> str:
    with loa.client() as c:
        return str(c.get(f"/v1/articles/{article_id}").json()["status"])


@pytest.mark.parametrize("media_source", ["mse", "no-mse"])
def test_progressive_start_then_whole_file_at_the_same_position(
    loa: Stack,
    site: HostSite,
    context: Any,
    console: Any,
    corpus_dir: Path,
    screenshots: Path,
    slow_google: FakeGoogleTTS,
    media_source: str,
) -> None:
    text = (corpus_dir / "articles" / ARTICLE).read_text()
    assert len(text) >= 5000
    # nothing may come from the segment cache: every segment is synthesized, 0.5 s each
    shutil.rmtree(loa.data_dir / "audio" / "cache", ignore_errors=True)
    tag = uuid.uuid4().hex[:6]
    external_id = f"t3-{tag}"
    paragraphs = [p for p in text.split("\n")[1:] if p.strip()]
    embed = script_tag(loa.base_url, site="dantri", external_id=external_id, target="#article-body")
    url = site.add(
        f"/{external_id}.html", host_page(loa.base_url, article_html(paragraphs), embed=embed)
    )
    page = console.attach(context.new_page())
    if media_source == "no-mse":
        # as on iOS Safari: no MediaSource, the player chains the segment clips
        page.add_init_script("delete window.MediaSource; delete window.ManagedMediaSource;")
    page.goto(url)
    page.wait_for_selector("loa-player", state="attached")

    posted = time.monotonic()
    with loa.client() as c:
        r = c.post(
            "/v1/articles",
            json={"text": text, "site": "dantri", "external_id": external_id, "title": "Nhà ga T3"},
        )
    assert r.status_code == 202, r.text
    article_id = r.json()["id"]
    button = page.get_by_role("button", name="Đọc nội dung")
    button.wait_for(timeout=30_000)
    appeared = time.monotonic() - posted
    button.click()
    page.wait_for_function(f"() => {POS} > 0.05", timeout=30_000, polling=50)
    started = time.monotonic() - posted
    assert status(loa, article_id) == "processing", "the article was already finished"
    state = player_state(page)
    assert state["mode"] == ("mse" if media_source == "mse" else "clips")

    # it plays past the first segments without stopping while more arrive
    page.wait_for_function(
        "() => document.querySelector('loa-player')._loaPlayer.segs.length >= 3", timeout=30_000
    )
    second = page.evaluate("() => document.querySelector('loa-player')._loaPlayer.segs[1].start")
    page.wait_for_function(f"() => {POS} > {second + 0.5}", timeout=30_000)
    page.screenshot(path=str(screenshots / f"progressive-{media_source}.png"))
    assert status(loa, article_id) == "processing"

    # the whole file arrives: the player moves onto it, at the same position
    page.get_by_role("button", name="Tốc độ 1×").click()  # 1.25× : nothing changes by it
    page.wait_for_function(
        "() => document.querySelector('loa-player')._loaPlayer.mode === 'full'",
        timeout=120_000,
    )
    before = page.evaluate(f"() => {POS}")
    page.wait_for_function(f"() => {POS} > {before + 0.3}", timeout=15_000)
    final = player_state(page)
    assert final["src"].endswith("/audio.mp3") and final["paused"] is False
    assert final["rate"] == 1.25
    assert status(loa, article_id) == "ready"
    (screenshots / f"progressive-{media_source}.txt").write_text(
        f"online engine 0.5 s a request, {len(text)} characters, MediaSource: {media_source}\n"
        f"POST -> button shown: {appeared:.2f} s\n"
        f"POST -> playing (button pressed as soon as shown): {started:.2f} s\n"
    )
    print(f"progressive ({media_source}): button {appeared:.2f} s, playing {started:.2f} s")
