"""Word-by-word highlighting: an article made by the edge engine (its stand-in gives word
timings), on a host page of another origin; the word lit follows playback, seeks and progressive
playback, and reads what the page shows ("UBND" while "Ủy ban nhân dân" is said)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import fold, highlighted, player_state
from tests.browser.host import HostSite, article_html, host_page, script_tag
from tests.fakes.edge_tts import FakeEdgeTTS
from tests.integration.stack import Stack

PARAGRAPHS = [
    "Sáng 20/11/2024, UBND thành phố tổ chức lễ kỷ niệm Ngày Nhà giáo Việt Nam. "
    "Toàn thành phố hiện có 1.250 trường học với hơn 45.000 giáo viên.",
    "Số học sinh tăng 2,5% so với năm trước. Lãnh đạo thành phố trao bằng khen cho 36 tập thể "
    "và 120 cá nhân có thành tích xuất sắc.",
]
PLAYER = "document.querySelector('loa-player')._loaPlayer"


def post(loa: Stack, external_id: str, paragraphs: list[str]) -> str:
    with loa.client() as c:
        r = c.post(
            "/v1/articles",
            json={
                "title": "Ngày Nhà giáo",
                "site": "giaoduc",
                "external_id": external_id,
                "engine": "edge",
                "text": "\n\n".join(paragraphs),
            },
        )
    assert r.status_code in (200, 202), r.text
    return str(r.json()["id"])


def playlist(loa: Stack, article_id: str) -> list[dict[str, Any]]:
    body = loa.wait_ready(article_id)
    assert body["status"] == "ready" and body["engine"] == "edge", body
    with loa.client() as c:
        segments: list[dict[str, Any]] = c.get(body["links"]["playlist"]).json()["segments"]
    return segments


def open_page(
    loa: Stack, site: HostSite, context: Any, console: Any, external_id: str, paragraphs: list[str]
) -> Any:
    embed = script_tag(
        loa.base_url, site="giaoduc", external_id=external_id, target="#article-body"
    )
    url = site.add(
        f"/{external_id}.html",
        host_page(loa.base_url, article_html(paragraphs), embed=embed, title="Ngày Nhà giáo"),
    )
    page = console.attach(context.new_page())
    page.goto(url)
    return page


def said_at(segments: list[dict[str, Any]], t: float) -> tuple[dict[str, Any], str | None]:
    """The segment heard at ``t`` and the displayed text of its word being said (None: none)."""
    seg = [s for s in segments if s["start"] <= t + 0.001][-1]
    words = [w for w in seg.get("words") or [] if w["start"] <= t + 0.001]
    if seg["kind"] == "title" or not words or words[-1]["offset"] is None:
        return seg, None
    w = words[-1]
    return seg, seg["text"][w["offset"] : w["offset"] + w["length"]]


def check_lit(page: Any, segments: list[dict[str, Any]]) -> dict[str, Any]:
    """Paused (or just seeked): the word lit is the one said at the position, in its sentence."""
    page.wait_for_function(f"() => !{PLAYER}.el.audio.seeking")
    seen = highlighted(page)
    seg, word = said_at(segments, seen["time"])
    for _ in range(30):  # the render after the seek or the pause may be a moment behind
        if (fold(seen["word"]) if seen["word"] else None) == (fold(word) if word else None):
            break
        time.sleep(0.1)
        seen = highlighted(page)
        seg, word = said_at(segments, seen["time"])
    assert seen["word"] is not None and word is not None, (seen, seg)
    assert fold(seen["word"]) == fold(word), (seen, word, seg)
    assert seen["text"] is not None and fold(seen["word"]) in fold(seen["text"])
    assert fold(seen["text"]) == fold(seg["text"])
    return seen


def pause(page: Any) -> None:
    page.get_by_role("button", name="Tạm dừng").click()
    page.get_by_role("button", name="Phát").wait_for()


def seek_to_word(page: Any, segments: list[dict[str, Any]], spoken: str, shown: str) -> None:
    """Seek (as the lock screen's seekto does) into the spoken word ``spoken`` read from
    ``shown`` on the page."""
    for seg in segments:
        for w in seg.get("words") or []:
            at = w["offset"]
            if w["text"].strip(",.") == spoken and at is not None:
                if seg["text"][at : at + w["length"]] == shown:
                    page.evaluate(f"(t) => {PLAYER}.seek(t)", w["start"] + w["duration"] / 2)
                    return
    raise AssertionError(f"no word {spoken!r} read from {shown!r} in the playlist")


def test_the_word_lit_follows_playback_and_seeks(
    loa: Stack, site: HostSite, context: Any, console: Any, screenshots: Path
) -> None:
    external_id = f"words-{uuid.uuid4().hex[:8]}"
    article_id = post(loa, external_id, PARAGRAPHS)
    segments = playlist(loa, article_id)
    assert all(s.get("words") for s in segments)
    page = open_page(loa, site, context, console, external_id, PARAGRAPHS)
    page.get_by_role("button", name="Đọc nội dung").click()
    page.wait_for_function(f"() => {PLAYER}.mode === 'full' && {PLAYER}.pos() > 3")

    # while playing, the word lit moves on through the article's words, in order
    lit: list[str] = []
    deadline = time.monotonic() + 60
    while len(lit) < 4 and time.monotonic() < deadline:
        w = highlighted(page)["word"]
        if w and (not lit or lit[-1] != w):
            lit.append(w)
        time.sleep(0.05)
    on_page, at = fold(page.inner_text("#article-body")), 0
    for w in lit:
        at = on_page.find(fold(w), at)
        assert at >= 0, (w, lit)
    assert len(lit) == 4, lit

    # paused at several points of playback, the word lit is the one being said
    last = 0.0
    for _ in range(3):
        pause(page)
        last = check_lit(page, segments)["time"]
        page.get_by_role("button", name="Phát").click()
        page.wait_for_function(f"() => {PLAYER}.pos() > {last + 1.5}")
    pause(page)
    check_lit(page, segments)

    # seeks, paused: onto words the page shows differently from their reading, and 10 s on
    seek_to_word(page, segments, "ban", "UBND")
    assert check_lit(page, segments)["word"] == "UBND"
    page.locator("#article-body").screenshot(path=str(screenshots / "words-ubnd.png"))
    page.get_by_role("button", name="Tới 10 giây").click()
    check_lit(page, segments)
    seek_to_word(page, segments, "phẩy", "2,5%")
    assert check_lit(page, segments)["word"] == "2,5%"
    seek_to_word(page, segments, "nghìn", "45.000")
    assert check_lit(page, segments)["word"] == "45.000"
    page.screenshot(path=str(screenshots / "words-page.png"))

    # prefers-reduced-motion: the sentence only, no word racing along
    page.emulate_media(reduced_motion="reduce")
    seek_to_word(page, segments, "tập", "tập")
    page.wait_for_function(
        "() => { const h = CSS.highlights.get('loa-word'); return !!h && h.size === 0; }"
    )
    seen = highlighted(page)
    assert seen["word"] is None and seen["text"] is not None
    assert fold(said_at(segments, seen["time"])[0]["text"]) == fold(seen["text"])


@pytest.fixture
def slow_edge(edge: FakeEdgeTTS) -> Iterator[FakeEdgeTTS]:
    edge.latency = 1.0
    yield edge
    edge.latency = 0.0


def test_the_word_lit_follows_progressive_playback(
    loa: Stack, site: HostSite, context: Any, console: Any, slow_edge: FakeEdgeTTS
) -> None:
    tag = uuid.uuid4().hex[:8]
    paragraphs = [
        f"Đoạn đường thứ {n} của dự án dài {n * 3} km, do UBND huyện đầu tư." for n in range(1, 25)
    ]
    external_id = f"words-progressive-{tag}"
    page = open_page(loa, site, context, console, external_id, paragraphs)
    page.wait_for_selector("loa-player", state="attached")
    article_id = post(loa, external_id, paragraphs)
    page.get_by_role("button", name="Đọc nội dung").click(timeout=30_000)
    page.wait_for_function(f"() => {PLAYER}.pos() > 2.0", timeout=30_000)
    pause(page)
    # still on the segments done so far (24 requests at 1 s each, 3 at a time at most)
    assert player_state(page)["mode"] in ("mse", "clips")
    seen = highlighted(page)
    assert seen["word"] is not None
    segments = playlist(loa, article_id)  # the same timings as the progressive segments had
    _seg, word = said_at(segments, seen["time"])
    assert word is not None and fold(seen["word"]) == fold(word), (seen, word)
