"""loa.articles, the article lifecycle, against a real SQLite database in the test's data dir."""

from __future__ import annotations

import concurrent.futures
import dataclasses

import pytest
from sqlalchemy import update

from loa import articles
from loa.config import Settings, get_settings
from loa.storage import LocalStorage
from loa.storage.db import migrate, session_scope
from loa.storage.keys import article_audio_key
from loa.storage.models import Article

BASE = articles.Submission(
    site="langson",
    external_id="2022-05-16-khcn",
    title="Hội thảo",
    source_kind="text",
    source="Sở Khoa học và Công nghệ tổ chức hội thảo.",
    url=None,
    author=None,
    published_at=None,
    voice=None,
    captions=False,
)


@pytest.fixture
def settings() -> Settings:
    get_settings.cache_clear()
    s = get_settings()
    migrate(s.sqlalchemy_url)
    return s


def submit(settings: Settings, sub: articles.Submission) -> articles.SubmitResult:
    with session_scope(settings.sqlalchemy_url) as session:
        return articles.submit(session, sub)


def row(settings: Settings, article_id: str) -> Article:
    with session_scope(settings.sqlalchemy_url) as session:
        found = session.get(Article, article_id)
        assert found is not None
        return found


def set_status(settings: Settings, article_id: str, status: str) -> None:
    with session_scope(settings.sqlalchemy_url) as session:
        session.execute(update(Article).where(Article.id == article_id).values(status=status))


def test_first_post_creates_revision_one_queued(settings: Settings) -> None:
    result = submit(settings, BASE)
    assert result.changed
    assert (result.article.revision, result.article.status) == (1, "queued")
    assert result.to_enqueue == [(result.article.id, 1)]
    assert row(settings, result.article.id).title == "Hội thảo"


def test_identical_post_changes_nothing(settings: Settings) -> None:
    first = submit(settings, BASE)
    set_status(settings, first.article.id, "ready")
    again = submit(settings, BASE)
    assert not again.changed and again.to_enqueue == []
    assert again.article.id == first.article.id
    assert (row(settings, first.article.id).revision, row(settings, first.article.id).status) == (
        1,
        "ready",
    )


def test_new_content_is_a_new_revision_with_fresh_job_state(settings: Settings) -> None:
    first = submit(settings, BASE)
    with session_scope(settings.sqlalchemy_url) as session:
        session.execute(
            update(Article)
            .where(Article.id == first.article.id)
            .values(status="ready", segments_done=5, segments_total=5, attempts=2, error="x")
        )
    revised = submit(settings, dataclasses.replace(BASE, source="Nội dung mới của bài viết."))
    assert revised.changed and revised.article.id == first.article.id
    stored = row(settings, first.article.id)
    assert stored.revision == 2
    assert stored.source == "Nội dung mới của bài viết."
    assert (stored.status, stored.segments_done, stored.attempts, stored.error) == (
        "queued",
        0,
        0,
        None,
    )
    assert revised.to_enqueue == [(first.article.id, 2)]


def test_reposting_a_failed_article_retries_it(settings: Settings) -> None:
    first = submit(settings, BASE)
    set_status(settings, first.article.id, "failed")
    retry = submit(settings, BASE)
    assert retry.changed
    assert (row(settings, first.article.id).revision, row(settings, first.article.id).status) == (
        2,
        "queued",
    )


def test_without_external_id_identical_content_is_deduplicated(settings: Settings) -> None:
    sub = dataclasses.replace(BASE, external_id=None)
    first, second = submit(settings, sub), submit(settings, sub)
    assert first.article.id == second.article.id and not second.changed
    other = submit(settings, dataclasses.replace(sub, source="Một bài khác hẳn."))
    assert other.article.id != first.article.id


def test_find_by_site_and_external_id(settings: Settings) -> None:
    made = submit(settings, BASE)
    with session_scope(settings.sqlalchemy_url) as session:
        found = articles.find(session, "langson", "2022-05-16-khcn")
        assert found is not None and found.id == made.article.id
        assert articles.find(session, "other-site", "2022-05-16-khcn") is None


def test_concurrent_posts_get_distinct_increasing_revisions(settings: Settings) -> None:
    texts = [f"Bản tin số {i}: nội dung riêng của lần đăng này." for i in range(12)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(
            pool.map(lambda t: submit(settings, dataclasses.replace(BASE, source=t)), texts)
        )
    ids = {r.article.id for r in results}
    revisions = sorted(r.article.revision for r in results)
    assert len(ids) == 1
    assert revisions == list(range(1, len(texts) + 1))
    stored = row(settings, ids.pop())
    assert stored.revision == len(texts)
    by_revision = {r.article.revision: r for r in results}
    # the stored content is the one of the post that took the highest revision
    assert stored.source == by_revision[stored.revision].article.source


def test_requeue_site_makes_finished_articles_again(settings: Settings) -> None:
    ready = submit(settings, BASE)
    set_status(settings, ready.article.id, "ready")
    failed = submit(settings, dataclasses.replace(BASE, external_id="b", source="Bài hai."))
    set_status(settings, failed.article.id, "failed")
    queued = submit(settings, dataclasses.replace(BASE, external_id="c", source="Bài ba."))
    elsewhere = submit(settings, dataclasses.replace(BASE, site="other", source="Bài bốn."))
    set_status(settings, elsewhere.article.id, "ready")

    with session_scope(settings.sqlalchemy_url) as session:
        work = articles.requeue_site(session, "langson")

    assert sorted(work) == sorted([(ready.article.id, 2), (failed.article.id, 2)])
    assert row(settings, queued.article.id).revision == 1
    assert row(settings, elsewhere.article.id).status == "ready"


def test_delete_removes_the_row_and_every_file(settings: Settings) -> None:
    made = submit(settings, BASE)
    storage = LocalStorage(settings.audio_dir)
    storage.write(article_audio_key(made.article.id, 1), b"ID3")
    with session_scope(settings.sqlalchemy_url) as session:
        found = articles.get(session, made.article.id)
        assert found is not None
        articles.delete(session, storage, found)
    with session_scope(settings.sqlalchemy_url) as session:
        assert articles.get(session, made.article.id) is None
    assert not (settings.audio_dir / "articles" / made.article.id).exists()
