"""`loa serve` keeps its processes running: each one killed (SIGKILL, children included) is
restarted, the restart is logged and counted in /metrics, and the work it left is re-sent at
once (the log names the article) rather than at the next sweep."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.served import Served, loa_serve


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with loa_serve(tmp_path_factory.mktemp("serve")) as s:
        yield s


def long_text(sentences: int = 60) -> str:
    """Distinct sentences (never in the segment cache), long enough to be killed mid-way."""
    base = random.randrange(10_000, 90_000)
    return " ".join(
        f"Ngày {1 + i % 28}/5/2022, tỉnh đã chi {base + i} triệu đồng cho hội thảo số {i}."
        for i in range(sentences)
    )


def post(served: Served, text: str, **fields: str) -> str:
    with served.client() as c:
        r = c.post("/v1/articles", json={"title": "Thử", "text": text, **fields})
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def restart_count(served: Served, process: str) -> float:
    text = httpx.get(served.base_url + "/metrics", timeout=10).text
    found = re.search(rf'loa_process_restarts_total\{{process="{process}"\}} ([0-9.]+)', text)
    return float(found.group(1)) if found else 0.0


def test_a_worker_killed_mid_article_is_restarted_and_its_article_re_sent(served: Served) -> None:
    article_id = post(served, long_text())
    deadline = time.monotonic() + 120
    with served.client() as c:
        while True:
            body = c.get(f"/v1/articles/{article_id}").json()
            if body["status"] == "processing" and body["progress"]["done"] > 0:
                break
            assert body["status"] in ("queued", "processing"), body
            assert time.monotonic() < deadline, body
            time.sleep(0.05)
    killed = served.kill("worker")
    served.wait_log(r"worker exited \(code -9\); restarting")
    served.wait_log(r"worker restarted \(pid")
    assert served.pid("worker") != killed
    served.wait_log(rf"re-sent {article_id} revision 1")
    body = served.wait_status(article_id, ("ready", "failed"))
    assert body["status"] == "ready", body
    assert restart_count(served, "worker") >= 1


def test_the_api_killed_is_restarted(served: Served) -> None:
    before = served.restarts("api")
    served.kill("api")
    served.wait_log(r"api exited \(code -9\); restarting")
    deadline = time.monotonic() + 60
    while served.restarts("api") == before:
        assert time.monotonic() < deadline, served.log()[-3000:]
        time.sleep(0.2)
    served.wait_healthy()
    assert restart_count(served, "api") >= 1


def test_redis_killed_is_restarted_and_posts_made_meanwhile_are_sent(served: Served) -> None:
    served.kill("redis")
    # posted while Redis is down (or just coming back): kept in the database, sent when back
    article_id = post(served, long_text(5))
    served.wait_log(r"redis restarted \(pid")
    body = served.wait_status(article_id, ("ready", "failed"))
    assert body["status"] == "ready", body
    served.wait_healthy()
    assert restart_count(served, "redis") >= 1


def test_past_the_restart_limit_loa_serve_stops(tmp_path: Path) -> None:
    with loa_serve(tmp_path, LOA_RESTART_LIMIT="1") as s:
        s.kill("api")
        s.wait_log(r"api restarted \(pid")
        s.wait_healthy()
        s.kill("api")
        s.wait_log(r"api exited \(code -9\) after 1 restarts within 300 s; stopping everything")
        assert s.proc.wait(60) == 1
