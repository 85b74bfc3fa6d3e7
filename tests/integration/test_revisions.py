"""Revisions are a sequence: concurrent posts for one site + external id, through real HTTP,
a real worker and the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import concurrent.futures
import time
import uuid

import httpx
from sqlalchemy import select

from loa.storage.db import session_scope
from loa.storage.models import Article
from tests.integration.stack import API_KEY, Stack

POSTS_AT_ONCE = 20
ROUNDS = 3


def text_for(marker: str) -> str:
    return (
        f"Bản tin {marker} của Sở Khoa học và Công nghệ. "
        "Hội thảo bàn về đổi mới sáng tạo trong doanh nghiệp."
    )


def post_all(stack: Stack, external_id: str, markers: list[str]) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {API_KEY}"}

    def one(marker: str) -> httpx.Response:
        with httpx.Client(base_url=stack.base_url, headers=headers, timeout=60) as c:
            return c.post(
                "/v1/articles",
                json={"site": "racing", "external_id": external_id, "text": text_for(marker)},
            )

    with concurrent.futures.ThreadPoolExecutor(max_workers=POSTS_AT_ONCE) as pool:
        return list(pool.map(one, markers))


def wait_settled(stack: Stack, article_id: str, revision: int, timeout: float = 120) -> dict:
    """The article once it is ready (or failed) at ``revision``."""
    deadline = time.monotonic() + timeout
    with stack.client() as c:
        while True:
            body = c.get(f"/v1/articles/{article_id}").json()
            if body["revision"] == revision and body["status"] in ("ready", "failed"):
                return body
            assert time.monotonic() < deadline, f"not settled: {body}\n{stack.logs('worker')}"
            time.sleep(0.2)


def stored_source(stack: Stack, article_id: str) -> tuple[int, str]:
    with session_scope(stack.database_url) as s:
        row = s.execute(
            select(Article.revision, Article.source).where(Article.id == article_id)
        ).one()
        return row[0], row[1]


def test_concurrent_posts_make_increasing_revisions_and_the_last_text_is_heard(
    stack: Stack,
) -> None:
    external_id = f"race-{uuid.uuid4().hex[:8]}"
    highest_before = 0
    for round_number in range(ROUNDS):
        markers = [f"mã {round_number}-{i}-{uuid.uuid4().hex[:6]}" for i in range(POSTS_AT_ONCE)]
        responses = post_all(stack, external_id, markers)

        assert [r.status_code for r in responses] == [202] * POSTS_AT_ONCE, [
            r.text for r in responses if r.status_code != 202
        ]
        bodies = [r.json() for r in responses]
        assert len({b["id"] for b in bodies}) == 1
        revisions = [b["revision"] for b in bodies]
        # distinct, and all above the previous round's: a sequence, never going backwards
        assert len(set(revisions)) == POSTS_AT_ONCE, sorted(revisions)
        assert min(revisions) > highest_before
        assert sorted(revisions) == list(range(highest_before + 1, highest_before + 21))
        highest_before = max(revisions)

        article_id = bodies[0]["id"]
        winner = markers[revisions.index(highest_before)]
        revision, source = stored_source(stack, article_id)
        assert revision == highest_before
        assert source == text_for(winner)

        final = wait_settled(stack, article_id, highest_before)
        assert final["status"] == "ready", final
        assert final["audio_revision"] == highest_before
        with stack.client() as c:
            playlist = c.get(f"/v1/articles/{article_id}/playlist.json").json()
            audio = c.get(f"/v1/articles/{article_id}/audio.mp3")
        heard = " ".join(segment["text"] for segment in playlist["segments"])
        assert winner in heard, (winner, heard)
        assert not any(m in heard for m in markers if m != winner)
        assert audio.status_code == 200 and audio.content[:3] == b"ID3"
        assert audio.headers["etag"] == f'"{article_id}-r{highest_before}-{len(audio.content)}"'
