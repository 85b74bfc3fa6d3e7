"""Many sites on one Loa, through the real stack: per-site keys, signed callbacks out to a
local receiver (retried with back-off by the real worker), webhooks in, write rate limits."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from loa import webhooks
from tests.fakes.receiver import CallbackReceiver
from tests.integration.stack import Stack, running_stack

SECRET = "callback-secret-0123456789abcdef"
TEXT = "Sở KHCN tổ chức hội thảo về đổi mới sáng tạo. Hội thảo kéo dài hai ngày."
RATE = 5
META = {"title": "Trang thử", "description": "Tin tức của trang.", "link": "https://x.vn"}


@pytest.fixture(scope="module")
def tenants_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("tenants"),
        LOA_FETCH_ALLOW_HOSTS="127.0.0.1",
        LOA_CALLBACK_RETRY_BASE_SECONDS="0.5",
        LOA_WRITE_RATE_PER_MINUTE=str(RATE),
    ) as s:
        yield s


def _admin(stack: Stack) -> httpx.Client:
    return stack.client()


def _key(stack: Stack, site: str, scope: str = "write") -> str:
    with _admin(stack) as c:
        r = c.post(f"/v1/sites/{site}/keys", json={"scope": scope})
        assert r.status_code == 201, r.text
        key: str = r.json()["key"]
        return key


def _as(stack: Stack, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=stack.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def _wait_deliveries(c: httpx.Client, site: str, want: int, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        log = c.get(f"/v1/sites/{site}/callbacks").json()["deliveries"]
        done = [d for d in log if d["status"] != "pending"]
        if len(done) >= want or time.monotonic() > deadline:
            return log
        time.sleep(0.3)


def _check_signature(headers: dict[str, str], body: bytes) -> None:
    stamp = headers["x-loa-timestamp"]
    assert abs(time.time() - int(stamp)) < 300
    mac = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-loa-signature"], "sha256=" + mac)


def test_ready_callback_is_signed_and_retried(tenants_stack: Stack) -> None:
    key = _key(tenants_stack, "cb-site")
    with CallbackReceiver(fail_first=2) as receiver, _as(tenants_stack, key) as c:
        r = c.put(
            "/v1/sites/cb-site",
            json=dict(META, webhook_secret=SECRET, callback_url=receiver.url),
        )
        assert r.status_code == 200, r.text
        r = c.post("/v1/articles", json={"site": "cb-site", "external_id": "x1", "text": TEXT})
        assert r.status_code == 202, r.text
        article_id = r.json()["id"]
        assert tenants_stack.wait_ready(article_id)["status"] == "ready"
        log = _wait_deliveries(c, "cb-site", 1)
        assert [d["status"] for d in log] == ["delivered"], log
        assert log[0]["attempts"] == 3 and log[0]["last_status_code"] == 204
        assert len(receiver.received) == 3  # two 500s, then delivered
        last = receiver.received[-1]
        _check_signature(last.headers, last.body)
        event = json.loads(last.body)
        assert event["event"] == "article.ready"
        assert event["article"]["id"] == article_id
        assert event["article"]["site"] == "cb-site"
        assert event["article"]["external_id"] == "x1"
        assert event["links"]["audio"].endswith(f"/v1/articles/{article_id}/audio.mp3")
        # every attempt carries the same delivery id: a receiver can drop repeats
        assert {rec.headers["x-loa-delivery"] for rec in receiver.received} == {log[0]["id"]}
        # another site cannot read this site's delivery log
        other = _key(tenants_stack, "other-site")
        with _as(tenants_stack, other) as o:
            assert o.get("/v1/sites/cb-site/callbacks").status_code == 403


def test_failed_callback(tenants_stack: Stack) -> None:
    key = _key(tenants_stack, "cb-fail")
    with CallbackReceiver() as receiver, _as(tenants_stack, key) as c:
        c.put(
            "/v1/sites/cb-fail",
            json=dict(META, webhook_secret=SECRET, callback_url=receiver.url),
        ).raise_for_status()
        r = c.post("/v1/articles", json={"site": "cb-fail", "text": "!!! ... ???"})
        assert r.status_code == 202, r.text
        assert tenants_stack.wait_ready(r.json()["id"])["status"] == "failed"
        log = _wait_deliveries(c, "cb-fail", 1)
        assert log[0]["status"] == "delivered"
        event = json.loads(receiver.received[-1].body)
        assert event["event"] == "article.failed" and event["article"]["error"]
        assert event["links"]["audio"] is None
        _check_signature(receiver.received[-1].headers, receiver.received[-1].body)


def test_webhook_in_through_the_worker(tenants_stack: Stack) -> None:
    key = _key(tenants_stack, "hook-site")
    with _as(tenants_stack, key) as c:
        c.put("/v1/sites/hook-site", json=dict(META, webhook_secret=SECRET)).raise_for_status()
    body = json.dumps({"event": "publish", "external_id": "w1", "text": TEXT}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Loa-Delivery": "delivery-1",
        **webhooks.signed_headers(SECRET, body),
    }
    with httpx.Client(base_url=tenants_stack.base_url, timeout=30) as anon:
        r = anon.post("/v1/sites/hook-site/webhook", content=body, headers=headers)
        assert r.status_code == 202, r.text
        article_id = r.json()["article_id"]
        again = anon.post("/v1/sites/hook-site/webhook", content=body, headers=headers)
        assert again.status_code == 200 and again.json()["duplicate"] is True
        assert tenants_stack.wait_ready(article_id)["status"] == "ready"
        assert anon.get(f"/v1/articles/{article_id}").json()["revision"] == 1
        # a replay with a re-used signature but another body is refused
        r = anon.post(
            "/v1/sites/hook-site/webhook",
            content=body.replace(b"publish", b"delete"),
            headers=dict(headers, **{"X-Loa-Delivery": "delivery-2"}),
        )
        assert r.status_code == 401
        feed = "/v1/sites/hook-site/feed.xml"
        assert f"loa:{article_id}" in anon.get(feed).text
        m3u8 = "/v1/sites/hook-site/playlist.m3u8"
        chained = [x for x in anon.get(m3u8).text.splitlines() if x and not x.startswith("#")]
        assert chained  # the article's segments
        # unpublish: out of the feed and the site's playlist at once, the audio kept
        assert _hook(anon, {"event": "unpublish", "external_id": "w1"}).status_code == 200
        assert f"loa:{article_id}" not in anon.get(feed).text
        playlist = anon.get("/v1/sites/hook-site/playlist.json").text
        assert article_id not in playlist
        unpublished = anon.get(m3u8).text
        assert not [x for x in chained if x in unpublished]
        with _as(tenants_stack, key) as c:
            assert c.get(f"/v1/articles/{article_id}/audio.mp3").status_code == 200
        # delete: the audio goes too
        assert _hook(anon, {"event": "delete", "external_id": "w1"}).status_code == 200
        with _as(tenants_stack, key) as c:
            assert c.get(f"/v1/articles/{article_id}/audio.mp3").status_code == 404


def _hook(client: httpx.Client, event: dict, site: str = "hook-site") -> httpx.Response:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", **webhooks.signed_headers(SECRET, body)}
    return client.post(f"/v1/sites/{site}/webhook", content=body, headers=headers)


def test_two_sites_cannot_touch_each_other(tenants_stack: Stack) -> None:
    a, b = _key(tenants_stack, "iso-a"), _key(tenants_stack, "iso-b")
    with _as(tenants_stack, a) as ca, _as(tenants_stack, b) as cb:
        assert ca.put("/v1/sites/iso-a", json=META).status_code == 200
        draft = {"site": "iso-a", "external_id": "d", "text": TEXT, "published": False}
        article_id = ca.post("/v1/articles", json=draft).json()["id"]
        assert cb.post("/v1/articles", json=dict(draft, external_id="b")).status_code == 403
        assert cb.delete(f"/v1/articles/{article_id}").status_code == 403
        assert cb.put("/v1/sites/iso-a", json=META).status_code == 403
        lexicon = {"entries": {"KHCN": "khoa học công nghệ"}}
        assert cb.put("/v1/sites/iso-a/lexicon", json=lexicon).status_code == 403
        assert cb.get(f"/v1/articles/{article_id}").status_code == 404  # a draft of iso-a
        assert ca.get(f"/v1/articles/{article_id}").status_code == 200
        # ready, its audio, transcript, playlist and player state stay private to iso-a
        assert tenants_stack.wait_ready(article_id)["status"] == "ready"
        base = f"/v1/articles/{article_id}"
        private = [
            f"{base}/transcript.vtt",
            f"{base}/playlist.m3u8",
            f"/v1/player/articles/{article_id}/download.mp3",
        ]
        player = [f"/v1/player/articles/{article_id}", "/v1/player/lookup?site=iso-a&external_id=d"]
        recent = "/v1/player/recent?site=iso-a"
        with httpx.Client(base_url=tenants_stack.base_url, timeout=30) as anon:
            for other in (cb, anon):
                assert [other.get(p).status_code for p in private] == [404] * 3
                assert [other.get(p).json()["status"] for p in player] == ["unknown"] * 2
                assert article_id not in other.get(recent).text
        assert [ca.get(p).status_code for p in private] == [200] * 3
        assert [ca.get(p).json()["status"] for p in player] == ["ready"] * 2
        assert article_id in ca.get(recent).text
        assert cb.put("/v1/sites/iso-b", json=META).status_code == 200


def _start_of_a_rate_window(needed: float = 20.0) -> None:
    """Wait, if need be, so the next ``needed`` seconds lie in one of the limiter's fixed
    one-minute windows (loa.ratelimit counts per wall-clock minute): a run crossing a boundary
    would start counting afresh and see 200 where the limit says 429."""
    into = time.time() % 60
    if into > 60 - needed:
        time.sleep(60 - into + 0.05)


def test_write_rate_limit_per_key(tenants_stack: Stack) -> None:
    busy = _key(tenants_stack, "rate-site")
    calm = _key(tenants_stack, "rate-site")
    _start_of_a_rate_window()
    with _as(tenants_stack, busy) as c:
        answers = [
            c.put("/v1/sites/rate-site", json=dict(META, allowed_origins=[]))
            for _ in range(RATE + 1)
        ]
    assert [a.status_code for a in answers[:RATE]] == [200] * RATE
    limited = answers[RATE]
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    with _as(tenants_stack, calm) as c:  # the limit is per key
        assert c.put("/v1/sites/rate-site", json=META).status_code == 200
    # reads are never limited
    with _as(tenants_stack, busy) as c:
        assert c.get("/v1/sites/rate-site").status_code == 200


def test_webhook_rate_limit_per_site(tenants_stack: Stack) -> None:
    key = _key(tenants_stack, "rate-hook")
    with _as(tenants_stack, key) as c:
        c.put("/v1/sites/rate-hook", json=dict(META, webhook_secret=SECRET)).raise_for_status()
    _start_of_a_rate_window()
    with httpx.Client(base_url=tenants_stack.base_url, timeout=30) as anon:
        gone = {"event": "delete", "external_id": "nobody"}
        # unsigned requests are refused and use up nothing
        unsigned = [anon.post("/v1/sites/rate-hook/webhook", json=gone) for _ in range(RATE)]
        answers = [_hook(anon, gone, "rate-hook") for _ in range(RATE + 1)]
    assert [a.status_code for a in unsigned] == [401] * RATE
    assert [a.status_code for a in answers[:RATE]] == [200] * RATE
    limited = answers[RATE]
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"] == {
        "code": "rate_limited",
        "message": f"more than {RATE} writes a minute to this site's webhook",
        "field": "site",
    }
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_production_api_refuses_to_start_open(tmp_path: Path) -> None:
    env = {"LOA_ENV": "production", "LOA_API_KEYS": "", "LOA_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", "from service.app import app_factory; app_factory()"],
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "LOA_API_KEYS" in out.stderr
