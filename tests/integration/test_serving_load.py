"""Serving under load, with the production processes (`loa serve`): 300 concurrent reads
(audio ranges and status) and 50 concurrent publishes answer without a single 5xx. Runs on
SQLite, and on PostgreSQL with TEST_DATABASE_URL. Bounded in count and time; loopback only."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.served import Served, loa_serve
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


def ready_article(served: Served) -> tuple[str, int]:
    text = " ".join(f"Câu thứ {i} của bài đọc thử, có đủ chữ để thành tệp lớn." for i in range(80))
    with served.client() as c:
        r = c.post("/v1/articles", json={"title": "Tải", "text": text})
        assert r.status_code == 202, r.text
    body = served.wait_status(r.json()["id"], ("ready", "failed"))
    assert body["status"] == "ready", body
    with served.client() as c:
        size = int(c.head(f"/v1/articles/{body['id']}/audio.mp3").headers["content-length"])
    assert size > 4 * RANGE_BYTES
    return str(body["id"]), size


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
    article_id, size = ready_article(served)
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
