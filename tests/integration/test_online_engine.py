"""The online engine path, with Google's endpoint replaced by a local server that speaks the
batchexecute protocol gTTS uses, and Microsoft's read-aloud endpoint by one that speaks the
edge-tts websocket protocol (the only stand-ins: both services are outside our reach). One
stack serves both: auto mode takes gtts (LOA_ENGINE_ORDER gtts,espeak), a post asking for
engine edge gets edge alone. A second, small stack with LOA_ENGINE_ORDER edge,espeak (auto
mode's order is the process's: the first stack's tests need gtts first) shows edge's breaker,
fallback and upgrade."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from tests.fakes.edge_tts import FakeEdgeTTS
from tests.fakes.google_tts import FakeGoogleTTS
from tests.helpers import decoded_duration
from tests.integration.stack import Stack, running_stack

TEXT = (
    "Sáng 20/11/2024, UBND thành phố tổ chức lễ kỷ niệm Ngày Nhà giáo Việt Nam. "
    "Toàn thành phố hiện có 1.250 trường học với hơn 45.000 giáo viên, tăng 2,5% so với năm "
    "trước. Lãnh đạo thành phố đã trao bằng khen cho 36 tập thể và 120 cá nhân có thành tích "
    "xuất sắc trong sự nghiệp giáo dục."
)


# different sentences from TEXT, so that nothing comes from the segment cache
MIDWAY_TEXT = " ".join(
    f"Đoạn đường thứ {n} dài {n * 3} km đã được trải nhựa xong trong tháng {n % 12 + 1}."
    for n in range(1, 9)
)


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogleTTS]:
    with FakeGoogleTTS(mode="ok") as fake:
        yield fake


@pytest.fixture(scope="module")
def edge() -> Iterator[FakeEdgeTTS]:
    with FakeEdgeTTS() as fake:
        yield fake


@pytest.fixture(scope="module")
def online_stack(
    tmp_path_factory: pytest.TempPathFactory, google: FakeGoogleTTS, edge: FakeEdgeTTS
) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("online"), LOA_GTTS_URL=google.url, LOA_EDGE_TTS_URL=edge.url
    ) as s:
        yield s


def numbered_text(tag: str, sentences: int) -> str:
    return " ".join(
        f"Phường {tag} số {n} đã hoàn thành {n * 7} công trình trong quý {n % 4 + 1}."
        for n in range(1, sentences + 1)
    )


def post_edge(stack: Stack, text: str) -> str:
    with stack.client() as c:
        r = c.post("/v1/articles", json={"text": text, "engine": "edge"})
        assert r.status_code == 202, r.text
        return str(r.json()["id"])


def test_google_reachable_uses_gtts_in_requests_of_at_most_100_chars(
    online_stack: Stack, google: FakeGoogleTTS, tmp_path
) -> None:
    google.mode = "ok"
    with online_stack.client() as c:
        r = c.post("/v1/articles", json={"title": "Ngày Nhà giáo", "text": TEXT})
        assert r.status_code == 202
        body = online_stack.wait_ready(r.json()["id"])
        assert body["status"] == "ready", body
        assert body["engine"] == "gtts" and body["engine_note"] is None
        audio = c.get(body["links"]["audio"]).content
        playlist = c.get(body["links"]["playlist"]).json()
    sent = [text for text, lang in google.requests if lang == "vi"]
    assert sent and all(len(t) <= 100 for t in sent)
    assert any("mười một" in t for t in sent)  # normalized before it reaches the engine
    assert not any(ch.isdigit() for seg in playlist["segments"] for ch in seg["spoken"])
    total = playlist["duration"]
    assert abs(decoded_duration(audio, tmp_path) - total) / total < 0.01


def test_google_failing_midway_moves_the_article_to_espeak(
    online_stack: Stack, google: FakeGoogleTTS
) -> None:
    google.mode, google.delay = "slow", 0.3
    try:
        with online_stack.client() as c:
            r = c.post("/v1/articles", json={"title": "Giữa chừng", "text": MIDWAY_TEXT})
            article_id = r.json()["id"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                body = c.get(f"/v1/articles/{article_id}").json()
                if body["progress"]["done"] >= 1 and body["engine"] == "gtts":
                    break
                time.sleep(0.05)
            google.mode = "500"
        body = online_stack.wait_ready(article_id)
    finally:
        google.mode = "ok"
    assert body["status"] == "ready", body
    assert body["engine"] == "espeak"
    assert "gtts" in body["engine_note"]


def test_edge_word_timings_reach_playlist_json(online_stack: Stack, edge: FakeEdgeTTS) -> None:
    body = online_stack.wait_ready(post_edge(online_stack, numbered_text("sông", 4)))
    assert body["status"] == "ready" and body["engine"] == "edge", body
    assert body["voice"] == "vi-VN-HoaiMyNeural" and body["engine_note"] is None
    with online_stack.client() as c:
        playlist = c.get(body["links"]["playlist"]).json()
    words = [w for seg in playlist["segments"] for w in seg["words"]]
    spoken = " ".join(seg["spoken"] for seg in playlist["segments"]).split()
    assert [w["text"] for w in words] == spoken
    for seg in playlist["segments"]:
        for w in seg["words"]:
            assert seg["start"] <= w["start"] < seg["start"] + seg["duration"]
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and starts[-1] < playlist["duration"]
    assert all("TrustedClientToken=" in q and "Sec-MS-GEC=" in q for q in edge.queries)
    assert {voice for _t, voice in edge.requests} == {"vi-VN-HoaiMyNeural"}


def test_edge_429_is_retried(online_stack: Stack, edge: FakeEdgeTTS) -> None:
    edge.reset_counts()
    edge.error_rate, edge.retry_after = 0.3, "0"
    try:
        body = online_stack.wait_ready(post_edge(online_stack, numbered_text("núi", 6)))
    finally:
        edge.error_rate = 0.0
    assert body["engine"] == "edge" and body["synthesis"]["retries"] == edge.refused > 0


@pytest.fixture(scope="module")
def edge_first_stack(
    tmp_path_factory: pytest.TempPathFactory, edge: FakeEdgeTTS
) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("edge-first"),
        LOA_ENGINE_ORDER="edge,espeak",
        LOA_EDGE_TTS_URL=edge.url,
        LOA_BREAKER_FAILURES="3",
        LOA_BREAKER_OPEN_SECONDS="1",
        LOA_UPGRADE_EVERY_SECONDS="0.5",
        LOA_ONLINE_RETRIES="2",
    ) as s:
        yield s


# 503: the service is down; 403: it refuses this client (a token it no longer takes) - not
# retried, but not the text's fault either: the article falls back instead of failing
@pytest.mark.parametrize(("mode", "word"), [("503", "bão"), ("403", "lũ")])
def test_edge_outage_opens_its_breaker_falls_back_to_espeak_and_upgrades_to_edge(
    edge_first_stack: Stack, edge: FakeEdgeTTS, mode: str, word: str
) -> None:
    stack = edge_first_stack
    edge.mode = mode
    try:
        with stack.client() as c:
            r = c.post("/v1/articles", json={"text": numbered_text(word, 3)})
            assert r.status_code == 202, r.text
            article_id = r.json()["id"]
        body = stack.wait_ready(article_id)
        assert body["status"] == "ready" and body["engine"] == "espeak", body
        assert body["upgrade_pending"] is True and "edge" in body["engine_note"]
        breaker = redis.Redis.from_url(stack.redis_url).get("loa:breaker:edge:open_until")
        assert breaker is not None  # opened (or re-opened by a failed probe), not closed
    finally:
        edge.mode = "ok"
    deadline = time.monotonic() + 30
    with stack.client() as c:
        while True:
            body = c.get(f"/v1/articles/{article_id}").json()
            if body["engine"] == "edge":
                break
            assert time.monotonic() < deadline, f"never upgraded: {body}\n{stack.logs('worker')}"
            time.sleep(0.2)
        playlist = c.get(body["links"]["playlist"]).json()
    assert body["status"] == "ready" and body["upgrade_pending"] is False
    assert body["voice"] == "vi-VN-HoaiMyNeural"
    assert all(seg["words"] for seg in playlist["segments"])  # edge's word timings came with it
