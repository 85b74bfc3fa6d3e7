"""Online engines at scale with two real worker processes, a real Redis and Google's stand-in:
retries under 429s, the breaker and fallback then upgrade, the budget across the two worker
processes, identical segments synthesized once, a site's engine and voice. (edge-tts:
tests/integration/test_online_engine.py.)"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from loa import webhooks
from tests.fakes.google_tts import FakeGoogleTTS
from tests.fakes.receiver import CallbackReceiver
from tests.integration.stack import Stack, running_stack


def article_text(tag: str, sentences: int = 12) -> str:
    return " ".join(
        f"Phường {tag} số {n} đã hoàn thành {n * 7} công trình trong quý {n % 4 + 1}."
        for n in range(1, sentences + 1)
    )


def post(stack: Stack, text: str, **extra: Any) -> str:
    with stack.client() as c:
        r = c.post("/v1/articles", json={"text": text, **extra})
        assert r.status_code == 202, r.text
        return str(r.json()["id"])


def wait_until(stack: Stack, article_id: str, predicate: Any, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    with stack.client() as c:
        while True:
            body = c.get(f"/v1/articles/{article_id}").json()
            if predicate(body):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"condition never met: {body}\n{stack.logs('worker')}")
            time.sleep(0.2)


def wait_for_log(stack: Stack, name: str, line: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while line not in stack.logs(name):
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} never logged {line!r}:\n{stack.logs(name)}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogleTTS]:
    with FakeGoogleTTS(latency=0.02) as fake:
        yield fake


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as r:
        yield r


@pytest.fixture(scope="module")
def gstack(tmp_path_factory: pytest.TempPathFactory, google: FakeGoogleTTS) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("online-scale"),
        LOA_GTTS_URL=google.url,
        LOA_GTTS_MAX_RPS="10",
        LOA_GTTS_MAX_CONCURRENCY="4",
        LOA_BREAKER_FAILURES="5",
        LOA_BREAKER_OPEN_SECONDS="2",
        LOA_UPGRADE_EVERY_SECONDS="1",
        LOA_FETCH_ALLOW_HOSTS="127.0.0.1",  # the callback receiver is on loopback
    ) as s:
        # a second worker process from the start (it comes up while the first tests run):
        # identical segments and the budget are then shared across processes throughout
        s.start_worker("worker2")
        yield s


def test_429s_with_retry_after_are_retried_and_the_article_stays_online(
    gstack: Stack, google: FakeGoogleTTS
) -> None:
    google.reset_counts()
    google.error_rate, google.retry_after = 0.3, "1"
    try:
        body = gstack.wait_ready(post(gstack, article_text("mưa")))
    finally:
        google.error_rate, google.retry_after = 0.0, None
    assert body["status"] == "ready" and body["engine"] == "gtts", body
    assert body["synthesis"]["retries"] > 0
    assert body["synthesis"]["requests"] == body["progress"]["total"] + body["synthesis"]["retries"]
    assert google.refused == body["synthesis"]["retries"]


def test_outage_opens_the_breaker_falls_back_and_upgrades_after_recovery(
    gstack: Stack, google: FakeGoogleTTS, receiver: CallbackReceiver
) -> None:
    secret = "upgrade-callback-secret-0123"
    meta = {"title": "Bão", "description": "Tin bão", "link": "https://bao.example"}
    with gstack.client() as c:
        site = {**meta, "webhook_secret": secret, "callback_url": receiver.url}
        assert c.put("/v1/sites/bao", json=site).status_code == 200
    google.mode = "503"
    try:
        article_id = post(gstack, article_text("bão", 5), site="bao")
        body = gstack.wait_ready(article_id)
        assert body["status"] == "ready" and body["engine"] == "espeak", body
        assert body["upgrade_pending"] is True
        assert "gtts" in body["engine_note"]
        with gstack.client() as c:
            offline_etag = c.head(body["links"]["audio"]).headers["etag"]
        # open: nobody calls the dead endpoint but the half-open probe, at most one each time
        # the breaker has been open LOA_BREAKER_OPEN_SECONDS (2): in 3 s, at most 2 requests
        # (the upgrade loop, every second, would otherwise re-make the article: 5+ requests)
        sent_while_open = len(google.arrivals)
        time.sleep(3.0)
        assert len(google.arrivals) - sent_while_open <= 2
    finally:
        google.mode = "ok"
    body = wait_until(gstack, article_id, lambda b: b["engine"] == "gtts", timeout=90)
    assert body["upgrade_pending"] is False and body["status"] == "ready"
    with gstack.client() as c:
        head = c.head(body["links"]["audio"])
        playlist = c.get(body["links"]["playlist"]).json()
    assert head.status_code == 200 and head.headers["etag"] != offline_etag
    assert playlist["duration"] == body["duration"]
    # the site hears of it: ready (offline), then upgraded (online), each signed
    deadline = time.monotonic() + 30
    while len(receiver.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    events = {e["event"]: e for e in (json.loads(r.body) for r in receiver.received)}
    assert sorted(events) == ["article.ready", "article.upgraded"], events
    assert events["article.ready"]["article"]["engine"] == "espeak"
    upgraded = events["article.upgraded"]["article"]
    assert upgraded["engine"] == "gtts" and upgraded["id"] == article_id
    for r in receiver.received:
        stamp, signature = r.headers["x-loa-timestamp"], r.headers["x-loa-signature"]
        assert signature == webhooks.signature(secret, stamp, r.body)


def test_identical_articles_posted_at_once_synthesize_each_segment_once(
    gstack: Stack, google: FakeGoogleTTS
) -> None:
    google.reset_counts()
    text = article_text("nắng", 6)
    ids = [post(gstack, text, site=f"site{i}") for i in range(2)]
    bodies = [gstack.wait_ready(i) for i in ids]
    assert all(b["engine"] == "gtts" for b in bodies), bodies
    sent = [t for t, _lang in google.requests]
    assert len(sent) == len(set(sent)) == bodies[0]["progress"]["total"]
    assert sum(b["synthesis"]["segments_from_cache"] for b in bodies) == len(sent)


def test_a_one_paragraph_edit_resynthesizes_only_that_paragraphs_segments(
    gstack: Stack, google: FakeGoogleTTS
) -> None:
    kept = [article_text("đầu", 3), article_text("cuối", 3)]
    first = "\n\n".join([kept[0], article_text("giữa", 3), kept[1]])
    article_id = post(gstack, first, site="suabai", external_id="bai-1")
    body = gstack.wait_ready(article_id)
    assert body["engine"] == "gtts", body
    total = body["progress"]["total"]
    google.reset_counts()
    edited = "\n\n".join([kept[0], article_text("mới", 3), kept[1]])
    assert post(gstack, edited, site="suabai", external_id="bai-1") == article_id
    body = wait_until(gstack, article_id, lambda b: b["revision"] == 2 and b["status"] == "ready")
    assert body["engine"] == "gtts" and body["progress"]["total"] == total, body
    sent = [t for t, _lang in google.requests]
    assert sent and all("mới" in t for t in sent), sent  # only the edited paragraph's segments
    assert len(sent) == len(set(sent)) == body["synthesis"]["requests"]
    assert body["synthesis"]["segments_from_cache"] == total - len(sent)


def test_the_budget_holds_across_two_worker_processes(gstack: Stack, google: FakeGoogleTTS) -> None:
    wait_for_log(gstack, "worker2", " ready.")
    google.reset_counts()
    ids = [post(gstack, article_text(f"gió{i}", 6)) for i in range(4)]
    bodies = [gstack.wait_ready(i) for i in ids]
    assert all(b["engine"] == "gtts" for b in bodies), bodies
    assert len(google.arrivals) >= 24  # over twice the budget of a second
    assert google.max_in_window() <= 10
    assert google.max_in_flight <= 4


def test_a_sites_engine_and_voice_through_the_api(gstack: Stack) -> None:
    meta = {"title": "Quảng Nam", "description": "Tin tức", "link": "https://quangnam.gov.vn"}
    with gstack.client() as c:
        bad = c.put("/v1/sites/quangnam", json={**meta, "engine": "festival"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "engine"
        not_its = {**meta, "engine": "espeak", "voice": "vi-VN-HoaiMyNeural"}
        bad = c.put("/v1/sites/quangnam", json=not_its)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "voice"
        chosen = {**meta, "engine": "espeak", "voice": "vi-vn-x-south"}
        assert c.put("/v1/sites/quangnam", json=chosen).status_code == 200
        got = c.get("/v1/sites/quangnam").json()
        assert (got["engine"], got["voice"]) == ("espeak", "vi-vn-x-south")
    body = gstack.wait_ready(post(gstack, article_text("cát", 2), site="quangnam"))
    assert (body["engine"], body["voice"]) == ("espeak", "vi-vn-x-south")
    body = gstack.wait_ready(post(gstack, article_text("cát", 2), site="quangnam", engine="gtts"))
    assert (body["engine"], body["voice"]) == ("gtts", "vi")
