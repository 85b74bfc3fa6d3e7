"""Engine and voice per article and per site: the post's wins, then the site's, then
LOA_ENGINE / the engine's default; status reports what was used."""

from __future__ import annotations

import uuid

import pytest

from loa import sites
from loa.config import Settings, get_settings
from loa.engines import registry
from loa.jobs import run_article_job
from loa.publishing.site import SiteVoice, parse_site
from loa.storage.db import migrate, session_scope
from loa.storage.models import Article

TEXT = "Sáng nay, thành phố tổ chức lễ khai giảng năm học mới cho hơn 300 học sinh."


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("LOA_ENGINE", "espeak")
    get_settings.cache_clear()
    registry.clear_engine_cache()
    s = get_settings()
    migrate(s.sqlalchemy_url)
    return s


def add(settings: Settings, site: str, **columns: object) -> str:
    article_id = uuid.uuid4().hex
    with session_scope(settings.sqlalchemy_url) as s:
        s.add(
            Article(
                id=article_id,
                site=site,
                title="",
                source_kind="text",
                source=TEXT,
                content_hash=article_id,
                revision=1,
                status="queued",
                **columns,
            )
        )
    return article_id


def used(settings: Settings, article_id: str) -> tuple[str | None, str | None]:
    assert run_article_job(article_id, 1, settings).outcome == "ready"
    with session_scope(settings.sqlalchemy_url) as s:
        row = s.get(Article, article_id)
        assert row is not None
        return row.engine, row.voice_used


def test_the_posts_engine_wins_over_the_setting(settings: Settings) -> None:
    assert used(settings, add(settings, "a", engine_choice="fake")) == ("fake", "vi")
    assert used(settings, add(settings, "a")) == ("espeak", "vi")


def test_a_sites_engine_and_voice_apply_unless_the_post_names_its_own(settings: Settings) -> None:
    with session_scope(settings.sqlalchemy_url) as s:
        meta = parse_site({"title": "Nam", "description": "Tin", "link": "https://nam.vn"})
        sites.put_site(s, "nam", meta, SiteVoice(engine="fake", voice="vi-vn-x-south"))
    assert used(settings, add(settings, "nam")) == ("fake", "vi-vn-x-south")
    posted = add(settings, "nam", engine_choice="espeak", voice="vi-vn-x-central")
    assert used(settings, posted) == ("espeak", "vi-vn-x-central")
    assert used(settings, add(settings, "other")) == ("espeak", "vi")
