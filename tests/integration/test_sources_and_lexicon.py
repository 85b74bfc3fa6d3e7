"""Articles from a URL (fetched by the worker, with SSRF protection) and per-site lexicons."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration.stack import Stack

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Khánh thành cầu mới - Cổng thông tin điện tử tỉnh</title></head><body>
<nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav>
<article><h1>Khánh thành cầu mới bắc qua sông Kỳ Cùng</h1>
<p>Sáng 2/9/2023, UBND tỉnh đã khánh thành cây cầu mới dài 450 m bắc qua sông Kỳ Cùng.</p>
<p>Công trình có tổng vốn đầu tư 120 tỷ đồng, được xây dựng trong 18 tháng.</p>
<p>Cây cầu giúp rút ngắn thời gian đi lại giữa hai bờ sông cho hàng nghìn người dân.</p>
</article><footer>Bản quyền thuộc về Cổng thông tin điện tử tỉnh</footer></body></html>"""


class _PageHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/bai-viet.html":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path == "/file.pdf":
            body = b"%PDF-1.4"
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
        else:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def fetching_worker(stack: Stack) -> Iterator[Stack]:
    """The shared stack's worker, restarted with loopback allowed for fetching (test only)."""
    stack.stop_worker()
    stack.start_worker(LOA_FETCH_ALLOW_HOSTS="127.0.0.1")
    stack.wait_for_worker()
    yield stack
    stack.stop_worker()
    stack.start_worker()
    stack.wait_for_worker()


def test_article_from_url(fetching_worker: Stack, page_server: str) -> None:
    with fetching_worker.client() as c:
        r = c.post("/v1/articles", json={"url": f"{page_server}/bai-viet.html"})
        assert r.status_code == 202, r.text
        body = fetching_worker.wait_ready(r.json()["id"])
        assert body["status"] == "ready", body
        assert body["title"] == "Khánh thành cầu mới bắc qua sông Kỳ Cùng"
        playlist = c.get(body["links"]["playlist"]).json()
    text = " ".join(s["text"] for s in playlist["segments"])
    assert "120 tỷ đồng" in text and "Trang chủ" not in text and "Bản quyền" not in text


def test_url_that_is_not_html_fails_with_reason(fetching_worker: Stack, page_server: str) -> None:
    with fetching_worker.client() as c:
        r = c.post("/v1/articles", json={"url": f"{page_server}/file.pdf"})
    body = fetching_worker.wait_ready(r.json()["id"])
    assert body["status"] == "failed"
    assert "url" in body["error"]


def test_default_settings_refuse_loopback(stack: Stack, page_server: str) -> None:
    """The same loopback page, through a worker with the default (no allow-list) settings."""
    with stack.client() as c:
        r = c.post("/v1/articles", json={"url": f"{page_server}/bai-viet.html?default"})
    body = stack.wait_ready(r.json()["id"])
    assert body["status"] == "failed"
    assert "url" in body["error"] and "127.0.0.1" in body["error"]


def test_lexicon_put_get_and_resynthesis_of_changed_segments_only(stack: Stack) -> None:
    site = "lexicon-test"
    text = (
        "Đoàn công tác đến thăm nhà máy Samsung vào buổi sáng.\n"
        "Các doanh nghiệp trong khu vực đều hoạt động ổn định.\n"
        "Lãnh đạo tỉnh đánh giá cao nỗ lực của người lao động."
    )
    with stack.client() as c:
        assert c.get(f"/v1/sites/{site}/lexicon").json()["entries"] == {}
        r = c.post("/v1/articles", json={"title": "Thăm khu công nghiệp", "text": text,
                                         "site": site})
        first = stack.wait_ready(r.json()["id"])
        cache = stack.data_dir / "audio" / "cache"
        before = {p.name for p in cache.rglob("*.mp3")}

        put = c.put(f"/v1/sites/{site}/lexicon",
                    json={"entries": {"Samsung": "Xam xung"}})
        assert put.status_code == 200, put.text
        assert put.json()["requeued"] == 1
        assert c.get(f"/v1/sites/{site}/lexicon").json()["entries"] == {"Samsung": "Xam xung"}
        second = stack.wait_ready(first["id"])
        assert second["revision"] == first["revision"] + 1
        playlist = c.get(second["links"]["playlist"]).json()
        after = {p.name for p in cache.rglob("*.mp3")}

        unauth = c.put(f"/v1/sites/{site}/lexicon", json={"entries": {}},
                       headers={"Authorization": ""})
        assert unauth.status_code == 401
        bad = c.put(f"/v1/sites/{site}/lexicon", json={"entries": {"": "x"}})
        assert bad.status_code == 422 and bad.json()["error"]["field"].startswith("entries")
    assert "nhà máy Xam xung" in " ".join(s["spoken"] for s in playlist["segments"])
    # only the segment whose spoken text changed was synthesized again
    assert len(after - before) == 1
