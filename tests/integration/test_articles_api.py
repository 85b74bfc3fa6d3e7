"""The whole service through real HTTP, a real Celery worker process and a real Redis."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.helpers import decoded_duration
from tests.integration.stack import Stack

ARTICLE = (
    "Ngày 16/5/2022, Sở Khoa học và Công nghệ (KHCN) tổ chức hội thảo về đổi mới sáng tạo.\n"
    "Tham dự có đại diện UBND các huyện và 150 doanh nghiệp. Tổng kinh phí là 1.500.000 đồng, "
    "tăng 3,5% so với năm 2021.\n"
    "Sở KHCN sẽ tiếp tục hỗ trợ các dự án khởi nghiệp trong giai đoạn 2022-2025."
)


def post(stack: Stack, payload: dict, auth: bool = True):
    with stack.client(auth=auth) as c:
        return c.post("/v1/articles", json=payload)


@pytest.fixture(scope="module")
def ready_article(stack: Stack) -> dict:
    r = post(stack, {"title": "Hội thảo KHCN", "text": ARTICLE, "external_id": "ready-1"})
    assert r.status_code == 202, r.text
    body = stack.wait_ready(r.json()["id"])
    assert body["status"] == "ready", body
    return body


def test_health_reports_redis_database_and_worker(stack: Stack) -> None:
    with stack.client() as c:
        body = c.get("/healthz").json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"redis", "database", "worker"}
    assert body["checks"]["worker"]["workers"]


def test_article_becomes_ready_with_offline_engine_and_says_why(ready_article: dict) -> None:
    assert ready_article["engine"] == "espeak"
    assert "google" in (ready_article["engine_note"] or "").lower()
    assert ready_article["progress"]["done"] == ready_article["progress"]["total"] > 0
    assert ready_article["duration"] > 5


def test_audio_duration_matches_playlist(stack: Stack, ready_article: dict, tmp_path) -> None:
    with stack.client() as c:
        audio = c.get(ready_article["links"]["audio"])
        playlist = c.get(ready_article["links"]["playlist"]).json()
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/mpeg"
    assert audio.headers["accept-ranges"] == "bytes"
    assert int(audio.headers["content-length"]) == len(audio.content)
    total = playlist["duration"]
    assert abs(decoded_duration(audio.content, tmp_path) - total) / total < 0.01
    segments = playlist["segments"]
    assert [s["index"] for s in segments] == list(range(len(segments)))
    starts = [s["start"] for s in segments]
    assert starts == sorted(starts) and starts[0] == 0
    # the playlist carries the reader's text (for highlighting) and what was spoken
    assert any("16/5/2022" in s["text"] for s in segments)
    spoken = " ".join(s["spoken"] for s in segments)
    assert "mười sáu tháng năm" in spoken
    assert "Khoa học và Công nghệ" in spoken.split("(")[-1] or spoken.count("Khoa học") >= 2


def test_range_requests(stack: Stack, ready_article: dict) -> None:
    url = ready_article["links"]["audio"]
    with stack.client() as c:
        full = c.get(url).content
        part = c.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 100-199/{len(full)}"
        assert part.content == full[100:200]
        tail = c.get(url, headers={"Range": "bytes=-50"})
        assert tail.status_code == 206 and tail.content == full[-50:]
        past = c.get(url, headers={"Range": f"bytes={len(full) + 10}-"})
        assert past.status_code == 416
        head = c.head(url)
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["content-length"]) == len(full)


def test_etag_and_if_none_match(stack: Stack, ready_article: dict) -> None:
    url = ready_article["links"]["audio"]
    with stack.client() as c:
        etag = c.get(url).headers["etag"]
        again = c.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        other = c.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200


def test_identical_repost_changes_nothing(stack: Stack, ready_article: dict) -> None:
    r = post(stack, {"title": "Hội thảo KHCN", "text": ARTICLE, "external_id": "ready-1"})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == ready_article["id"]
    assert body["revision"] == ready_article["revision"]
    assert body["status"] == "ready"


def test_same_external_id_with_new_content_is_a_new_revision(stack: Stack) -> None:
    first = post(stack, {"title": "Tin A", "text": "Hôm nay trời nắng.", "external_id": "rev-1"})
    assert first.status_code == 202
    a = stack.wait_ready(first.json()["id"])
    second = post(stack, {"title": "Tin A", "text": "Hôm nay trời mưa to.", "external_id": "rev-1"})
    assert second.status_code == 202
    b = stack.wait_ready(second.json()["id"])
    assert b["id"] == a["id"] and b["revision"] == a["revision"] + 1
    assert b["status"] == "ready" and b["audio_revision"] == b["revision"]
    with stack.client() as c:
        playlist = c.get(b["links"]["playlist"]).json()
    assert "mưa" in " ".join(s["text"] for s in playlist["segments"])


def test_delete_removes_article_and_audio(stack: Stack) -> None:
    r = post(stack, {"title": "Xóa", "text": "Bài này sẽ bị xóa."})
    body = stack.wait_ready(r.json()["id"])
    audio_dir = stack.data_dir / "audio" / "articles" / body["id"]
    assert any(audio_dir.iterdir())
    with stack.client() as c:
        assert c.delete(f"/v1/articles/{body['id']}").status_code == 204
        gone = c.get(f"/v1/articles/{body['id']}")
        assert gone.status_code == 404
        assert gone.json()["error"]["field"] == "id"
        assert c.get(body["links"]["audio"]).status_code == 404
    assert not audio_dir.exists()


def test_writes_need_the_api_key_reads_do_not(stack: Stack, ready_article: dict) -> None:
    r = post(stack, {"title": "x", "text": "xin chào"}, auth=False)
    assert r.status_code == 401
    assert r.json()["error"]["field"] == "Authorization"
    with stack.client(auth=False) as c:
        bad = c.post(
            "/v1/articles",
            json={"title": "x", "text": "y"},
            headers={"Authorization": "Bearer wrong"},
        )
        assert bad.status_code == 401
        assert c.get(f"/v1/articles/{ready_article['id']}").status_code == 200


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"title": "t", "text": ""}, 422, "text"),
        ({"title": "t", "text": "   \n\t "}, 422, "text"),
        ({"title": "t"}, 422, "text"),
        ({"title": "t", "text": "a", "html": "<p>a</p>"}, 422, "html"),
        ({"title": "t", "text": 5}, 422, "text"),
        ({"title": "t", "text": "a", "voice": "en-us"}, 422, "voice"),
        ({"title": "t", "text": "a", "site": "../etc"}, 422, "site"),
        ({"title": "t", "text": "a", "published_at": "hôm qua"}, 422, "published_at"),
        ({"title": "t", "text": "a", "txt": "typo"}, 422, "txt"),
        ({"title": "t", "url": "ftp://example.com/a"}, 422, "url"),
        ({"title": "t", "text": "a\u0000b"}, 422, "text"),
    ],
)
def test_bad_input_names_the_field(stack: Stack, payload: dict, status: int, field: str) -> None:
    r = post(stack, payload)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["field"] == field
    assert error["message"]


def test_text_over_the_limit(stack: Stack) -> None:
    r = post(stack, {"title": "t", "text": "chữ " * 60_000})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "text"
    assert "limit" in r.json()["error"]["message"]


def test_broken_json_and_utf8_and_oversized_body(stack: Stack) -> None:
    with stack.client() as c:
        r = c.post(
            "/v1/articles",
            content=b'{"title": "t", "text": ',
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_input"
        r = c.post(
            "/v1/articles",
            content=b'{"title": "t", "text": "\xff\xfe"}',
            headers={"Content-Type": "application/json"},
        )
        assert 400 <= r.status_code < 500 and "error" in r.json()
        big = json.dumps({"title": "t", "text": "a" * 3_000_000}).encode()
        r = c.post("/v1/articles", content=big, headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["field"] == "body"


def test_chunked_oversized_body_is_refused(stack: Stack) -> None:
    def chunks():  # no Content-Length: the limit must be enforced while reading
        for _ in range(40):
            yield b"a" * 100_000

    with stack.client() as c:
        r = c.post("/v1/articles", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles/..%2F..%2Fetc%2Fpasswd/audio.mp3",
        "/v1/articles/../../etc/passwd",
        "/v1/articles/%2e%2e/audio.mp3",
        "/v1/articles/0123456789abcdef0123456789abcdef",
        "/v1/articles/ZZZ/playlist.json",
    ],
)
def test_unknown_or_hostile_ids_are_404_json(stack: Stack, path: str) -> None:
    with stack.client() as c:
        r = c.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "text",
    [
        "😀😀😀 🎉",
        "Xin\u200b chào\u200d các\u00ad bạn\u0007 \u202e thân mến.",
        "... --- !!! ???",
        "\u0301\u0300",
    ],
)
def test_odd_but_valid_input_ends_ready_or_failed(stack: Stack, text: str) -> None:
    r = post(stack, {"title": "", "text": text})
    assert r.status_code in (200, 202), r.text
    body = stack.wait_ready(r.json()["id"], timeout=60)
    assert body["status"] in ("ready", "failed")
    if body["status"] == "failed":
        assert body["error"]


def test_audio_of_unfinished_article_is_409_not_partial(stack: Stack) -> None:
    r = post(stack, {"title": "Dài", "text": ARTICLE * 6})
    body = r.json()
    with stack.client() as c:
        audio = c.get(body["links"]["audio"])
        if audio.status_code == 409:  # the normal case: still processing
            assert audio.json()["error"]["code"] == "not_ready"
        else:  # it was fast; then the whole file must be there
            assert audio.status_code == 200
    stack.wait_ready(body["id"])


def test_worker_killed_mid_task_the_article_still_finishes(stack: Stack) -> None:
    """kill -9 of the worker process running the task: the task is re-queued, not lost."""
    r = post(stack, {"title": "Bền bỉ", "text": (ARTICLE + "\n") * 12 + str(time.time())})
    article_id = r.json()["id"]
    deadline = time.monotonic() + 60
    with stack.client() as c:
        while time.monotonic() < deadline:
            body = c.get(f"/v1/articles/{article_id}").json()
            if body["status"] == "processing" and body["progress"]["done"] >= 1:
                break
            time.sleep(0.05)
    children = subprocess.run(
        ["pgrep", "-P", str(stack.procs["worker"].pid)], capture_output=True, text=True
    ).stdout.split()
    assert children, "the prefork worker has a child process"
    for pid in children:
        subprocess.run(["kill", "-9", pid], check=False)
    body = stack.wait_ready(article_id, timeout=240)
    assert body["status"] == "ready", body
