"""Serving under load, with the production processes (`loa serve`): 300 concurrent reads
(audio ranges and status) and 50 concurrent publishes answer without a single 5xx. Runs on
SQLite, and on PostgreSQL with TEST_DATABASE_URL. Bounded in count and time; loopback only."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.served import Served, loa_serve, nginx_in_front
from tests.integration.stack import API_KEY

READERS = 300
PUBLISHERS = 50
RANGE_BYTES = 64 * 1024
#: a request slower than this counts as a failure (a lock-up), not a pass
REQUEST_TIMEOUT = 60
OVERALL_TIMEOUT = 240


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with loa_serve(tmp_path_factory.mktemp("load"), LOA_ENGINE="fake") as s:
        yield s


def ready_article(served: Served) -> str:
    text = " ".join(f"Câu thứ {i} của bài đọc thử, có đủ chữ để thành tệp lớn." for i in range(80))
    with served.client() as c:
        r = c.post("/v1/articles", json={"title": "Tải", "text": text})
        assert r.status_code == 202, r.text
    body = served.wait_status(r.json()["id"], ("ready", "failed"))
    assert body["status"] == "ready", body
    return str(body["id"])


def audio_size(served: Served, article_id: str) -> int:
    with served.client() as c:
        size = int(c.head(f"/v1/articles/{article_id}/audio.mp3").headers["content-length"])
    assert size > 4 * RANGE_BYTES
    return size


async def read(client: httpx.AsyncClient, i: int, article_id: str, size: int) -> int:
    if i % 3 == 2:
        r = await client.get(f"/v1/articles/{article_id}")
        return r.status_code
    start = random.randrange(0, size - RANGE_BYTES)
    r = await client.get(
        f"/v1/articles/{article_id}/audio.mp3",
        headers={"Range": f"bytes={start}-{start + RANGE_BYTES - 1}"},
    )
    if r.status_code == 206:
        assert len(r.content) == RANGE_BYTES
    return r.status_code


async def publish(client: httpx.AsyncClient, i: int, ids: list[str]) -> int:
    r = await client.post(
        "/v1/articles",
        json={"title": f"Bài {i}", "site": "tai", "external_id": f"bai-{i}",
              "text": f"Bài số {i}: {random.random()} người dự hội thảo."},
        headers={"Authorization": f"Bearer {API_KEY}"},
    )  # fmt: skip
    if r.status_code == 202:
        ids.append(r.json()["id"])
    return r.status_code


async def storm(base_url: str, article_id: str, size: int, ids: list[str]) -> Counter[object]:
    limits = httpx.Limits(max_connections=READERS + PUBLISHERS, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT
    ) as client:
        jobs = [read(client, i, article_id, size) for i in range(READERS)]
        jobs += [publish(client, i, ids) for i in range(PUBLISHERS)]
        random.shuffle(jobs)
        results = await asyncio.wait_for(
            asyncio.gather(*jobs, return_exceptions=True), OVERALL_TIMEOUT
        )
    return Counter(r if isinstance(r, int) else type(r).__name__ for r in results)


def test_300_concurrent_reads_and_50_publishes_without_a_5xx(served: Served) -> None:
    article_id = ready_article(served)
    size = audio_size(served, article_id)
    published: list[str] = []
    outcomes = asyncio.run(storm(served.base_url, article_id, size, published))
    assert sum(outcomes.values()) == READERS + PUBLISHERS
    assert set(outcomes) <= {200, 202, 206}, outcomes
    assert outcomes[206] == READERS - READERS // 3, outcomes
    assert outcomes[202] == PUBLISHERS, outcomes
    assert len(set(published)) == PUBLISHERS
    for published_id in published:  # and every published article is made
        assert served.wait_status(published_id, ("ready", "failed"))["status"] == "ready"
    assert "Exception in ASGI application" not in served.log()


def test_behind_nginx_the_audio_bytes_come_from_nginx(tmp_path: Path) -> None:
    """The production layout: with LOA_ACCEL_REDIRECT_PREFIX the API answers audio requests
    with headers only, and nginx (deploy/nginx.conf) sends the file, ranges included."""
    with loa_serve(
        tmp_path / "loa", LOA_ENGINE="fake", LOA_ACCEL_REDIRECT_PREFIX="/_audio/"
    ) as served:
        article_id = ready_article(served)
        direct = httpx.get(f"{served.base_url}/v1/articles/{article_id}/audio.mp3")
        assert direct.status_code == 200 and direct.content == b""  # Python sent no bytes
        redirect = direct.headers["x-accel-redirect"]
        assert redirect.startswith("/_audio/articles/")
        audio_file = tmp_path / "loa" / "data" / "audio" / redirect.removeprefix("/_audio/")
        whole = audio_file.read_bytes()
        size = len(whole)
        assert size > 4 * RANGE_BYTES
        nginx_tmp = tmp_path / "nginx"
        nginx_tmp.mkdir()
        port = int(served.base_url.rsplit(":", 1)[1])
        with nginx_in_front(nginx_tmp, port, tmp_path / "loa" / "data" / "audio") as web:
            url = f"{web}/v1/articles/{article_id}/audio.mp3"
            full = httpx.get(url)
            assert full.status_code == 200 and full.content == whole
            assert full.headers["content-type"] == "audio/mpeg"
            assert "x-accel-redirect" not in full.headers
            part = httpx.get(url, headers={"Range": "bytes=1000-66535"})
            assert part.status_code == 206
            assert part.content == whole[1000:66536]
            assert part.headers["content-range"] == f"bytes 1000-66535/{size}"
            # the internal location is not reachable from outside
            assert httpx.get(f"{web}{redirect}").status_code == 404
            status = httpx.get(f"{web}/v1/articles/{article_id}").json()
            assert status["status"] == "ready"
