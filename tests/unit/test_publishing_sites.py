"""loa.sites on a real (SQLite) database, and the audio finishing that render_article does."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3
from sqlalchemy import update

from loa import articles, sites
from loa.audio.assemble import assemble
from loa.audio.clip import AudioClip
from loa.audio.loudness import combine_segments, measure_mp3, measure_segment
from loa.config import Settings, get_settings
from loa.engines.cache import clip_key
from loa.engines.edge import EdgeEngine
from loa.engines.espeak import EspeakEngine
from loa.engines.fake import FakeEngine
from loa.engines.gtts import GttsEngine
from loa.pipeline import RenderedArticle, Tags, cache_name, render_article
from loa.publishing.playlists import content_address
from loa.publishing.site import parse_site
from loa.storage import MemoryStorage
from loa.storage.db import migrate, session_scope
from loa.storage.models import Article, AudioFile
from loa.text.extract import extract_plain_text

SITE = "langson"
META = {"title": "Lạng Sơn", "description": "Tin của tỉnh", "link": "https://langson.gov.vn"}


@pytest.fixture
def config() -> Settings:
    get_settings.cache_clear()
    s = get_settings()
    migrate(s.sqlalchemy_url)
    return s


def _submit(config: Settings, external_id: str, text: str, **extra: object) -> Article:
    with session_scope(config.sqlalchemy_url) as s:
        sub = articles.Submission(
            site=SITE,
            external_id=external_id,
            title=f"Tin {external_id}",
            source_kind="text",
            source=text,
            url=None,
            author=None,
            published_at=extra.pop("published_at", None),  # type: ignore[arg-type]
            voice=None,
            captions=False,
            published=extra.pop("published", None),  # type: ignore[arg-type]
        )
        return articles.submit(s, sub).article


def _render(config: Settings, article_id: str, revision: int, data: bytes) -> list[str]:
    """What the job does once a revision is made: mark it ready and record its audio."""
    key = f"articles/{article_id}/r{revision}.mp3"
    playlist = {"duration": 3.0, "segments": [{"start": 0.0, "duration": 3.0, "text": "Tin."}]}
    with session_scope(config.sqlalchemy_url) as s:
        s.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(status="ready", audio_key=key, audio_revision=revision, playlist=playlist)
        )
        return sites.record_audio(
            s,
            article_id=article_id,
            revision=revision,
            key=key,
            address=content_address(data),
            size=len(data),
            duration=3.0,
            playlist=playlist,
            retention_hours=config.replaced_audio_retention_hours,
        )


def _listed(config: Settings, limit: int = 10) -> list[str]:
    with session_scope(config.sqlalchemy_url) as s:
        return [p.article_id for p in sites.published_articles(s, SITE, limit)]


def test_only_ready_published_articles_newest_first_up_to_the_limit(config: Settings) -> None:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    old = _submit(config, "old", "Tin cũ.", published_at=day)
    new = _submit(config, "new", "Tin mới.", published_at=day + timedelta(days=1))
    draft = _submit(config, "draft", "Bản nháp.", published=False, published_at=day)
    queued = _submit(config, "queued", "Chưa làm xong.", published_at=day)
    for row in (old, new, draft):
        _render(config, row.id, 1, uuid.uuid4().bytes)
    assert _listed(config) == [new.id, old.id]
    assert _listed(config, limit=1) == [new.id]
    assert queued.id not in _listed(config)
    # publishing the draft is no new revision and no new audio
    published = _submit(config, "draft", "Bản nháp.", published=True)
    assert published.revision == 1
    assert draft.id in _listed(config)
    # a re-post that leaves "published" out changes nothing about it
    assert _submit(config, "draft", "Bản nháp.").published is True
    with session_scope(config.sqlalchemy_url) as s:
        gone = articles.get(s, old.id)
        assert gone is not None
        articles.delete(s, MemoryStorage(), gone)
    assert old.id not in _listed(config)


def test_replaced_audio_serves_for_the_retention_time_then_is_forgotten(config: Settings) -> None:
    article = _submit(config, "a", "Tin.")
    first, second, third = b"first revision", b"second revision", b"third revision"
    assert _render(config, article.id, 1, first) == []
    assert _render(config, article.id, 2, second) == []
    hours = config.replaced_audio_retention_hours
    with session_scope(config.sqlalchemy_url) as s:
        assert sites.live_audio(s, content_address(first), hours) is not None  # replaced, kept
        s.execute(
            update(AudioFile)
            .where(AudioFile.address == content_address(first))
            .values(replaced_at=datetime.now(UTC) - timedelta(hours=hours + 1))
        )
    with session_scope(config.sqlalchemy_url) as s:
        assert sites.live_audio(s, content_address(first), hours) is None  # past its time
        assert sites.live_audio(s, content_address(second), hours) is not None
    # the next revision forgets it, and hands back its file to delete
    assert _render(config, article.id, 3, third) == [f"articles/{article.id}/r1.mp3"]
    with session_scope(config.sqlalchemy_url) as s:
        assert s.get(AudioFile, content_address(first)) is None
        row = articles.get(s, article.id)
        assert row is not None
        assert sites.current_audio(s, row).address == content_address(third)  # type: ignore[union-attr]


def test_the_same_bytes_again_keep_their_address_and_drop_the_older_copy(
    config: Settings,
) -> None:
    article = _submit(config, "same", "Tin.")
    _render(config, article.id, 1, b"identical")
    assert _render(config, article.id, 2, b"identical") == [f"articles/{article.id}/r1.mp3"]
    with session_scope(config.sqlalchemy_url) as s:
        row = s.get(AudioFile, content_address(b"identical"))
        assert row is not None and row.key.endswith("r2.mp3") and row.replaced_at is None


def test_site_metadata_round_trip_and_spoken_changes(config: Settings) -> None:
    with session_scope(config.sqlalchemy_url) as s:
        row, spoken = sites.put_site(s, SITE, parse_site(META))
        assert spoken is False and sites.meta_of(row).title == "Lạng Sơn"
        row, spoken = sites.put_site(s, SITE, parse_site({**META, "intro": "Xin chào."}))
        assert spoken is True
        row, spoken = sites.put_site(
            s, SITE, parse_site({**META, "intro": "Xin chào.", "title": "X"})
        )
        assert spoken is False
        assert sites.spoken_frame(s, SITE) == ("Xin chào.", None)
        assert sites.artwork_of(s, SITE).content_type == "image/png"  # Loa's default


def test_summary_is_the_beginning_cut_at_a_word() -> None:
    segments = [{"text": "Một hai ba bốn năm sáu bảy tám chín mười."}] * 10
    summary = sites.summary_of(segments, limit=30)
    assert len(summary) <= 30 and summary.endswith("…") and " " in summary


# --- loudness from the clips' own measurements ----------------------------------------------

SENTENCES = (
    "Ngày mười sáu tháng năm, Sở Khoa học và Công nghệ tỉnh Lạng Sơn tổ chức hội thảo.",
    "Hội thảo có sự tham gia của nhiều nhà khoa học.",
    "Buổi chiều, các đại biểu đi thăm khu công nghiệp.",
)


@pytest.fixture(scope="module")
def espeak_clips() -> list[AudioClip]:
    engine = EspeakEngine()
    return [engine.synthesize(text, "vi") for text in SENTENCES]


def test_combined_clip_measurements_read_like_the_joined_article(
    espeak_clips: list[AudioClip],
) -> None:
    joined = assemble(espeak_clips, [0.25, 0.6, 0.0])
    placed = [
        (start, measure_segment(clip.mp3))
        for (start, _), clip in zip(joined.offsets, espeak_clips, strict=True)
    ]
    combined = combine_segments(placed, joined.duration)
    whole = measure_mp3(joined.mp3)
    assert combined.integrated_lufs == pytest.approx(whole.integrated_lufs, abs=0.3)
    assert combined.true_peak_dbtp == pytest.approx(whole.true_peak_dbtp, abs=0.3)


@settings(max_examples=20)
@given(shift=st.integers(min_value=0, max_value=50), extra=st.floats(min_value=0, max_value=5))
def test_more_silence_around_a_clip_does_not_change_its_loudness(shift: int, extra: float) -> None:
    clip = FakeEngine().synthesize("Một hai ba bốn năm sáu bảy tám chín mười.", "vi")
    measured = measure_segment(clip.mp3)
    # with a gating block of silence either side, more silence (whole 100 ms sub-blocks
    # before, anything after) only adds blocks the absolute gate drops
    alone = combine_segments([(0.4, measured)], 0.4 + measured.duration + 0.4)
    start = 0.4 + shift / 10
    later = combine_segments([(start, measured)], start + measured.duration + 0.4 + extra)
    assert later.integrated_lufs == pytest.approx(alone.integrated_lufs, abs=1e-9)
    assert later.true_peak_dbtp == alone.true_peak_dbtp


def test_finishing_parameters_are_part_of_the_cache_name() -> None:
    """Every setting that changes an engine's audio changes its segments' cache keys."""
    espeaks = [
        EspeakEngine(),
        EspeakEngine(rate_wpm=200),
        EspeakEngine(sample_rate=24000),
        EspeakEngine(bitrate_kbps=64),
        EspeakEngine(loudness_lufs=-16),
        EspeakEngine(loudness_lufs=-18),
        EspeakEngine(loudness_lufs=-16, true_peak_dbtp=-2),
    ]
    assert len({cache_name(e) for e in espeaks}) == len(espeaks)
    assert cache_name(EspeakEngine()) == cache_name(EspeakEngine())
    edges = [EdgeEngine("ws://x", rate=r) for r in ("+0%", "+10%", "-10%")]
    assert len({clip_key(e, "vi-VN-HoaiMyNeural", "xin chào") for e in edges}) == 3
    assert all(cache_name(e).replace("-", "").isalnum() for e in edges)  # a URL path part
    assert cache_name(FakeEngine()) == "fake" and cache_name(GttsEngine()) == "gtts"


def test_render_finishes_loudness_tags_and_speaks_the_intro_and_outro(config: Settings) -> None:
    storage = MemoryStorage()
    article = extract_plain_text("Tin sáng nay.\n" + " ".join(SENTENCES))

    def render(key: str) -> tuple[RenderedArticle, bytes]:
        rendered = render_article(
            article,
            FakeEngine(),
            "vi",
            config,
            storage=storage,
            key=key,
            tags=Tags(title="Tin", album="Lạng Sơn", cover=b"\x89PNG fake", cover_type="image/png"),
            intro="Xin chào quý vị.",
            outro="Hẹn gặp lại.",
        )
        data = storage.read(key)
        assert data is not None
        return rendered, data

    rendered, data = render("articles/a/r1.mp3")
    kinds = [s["kind"] for s in rendered.playlist["segments"]]
    assert kinds[0] == "intro" and kinds[-1] == "outro" and "body" in kinds
    assert [s["index"] for s in rendered.playlist["segments"]] == list(range(len(kinds)))
    assert rendered.playlist["segments"][0]["text"] == "Xin chào quý vị."
    assert rendered.address == content_address(data) and rendered.size == len(data)
    measured = measure_mp3(data)
    assert rendered.loudness is not None
    assert measured.integrated_lufs == pytest.approx(rendered.loudness.integrated_lufs, abs=0.5)
    assert abs(measured.integrated_lufs - config.loudness_lufs) <= 1.0
    assert measured.true_peak_dbtp <= config.true_peak_dbtp + 0.3
    tags = ID3(io.BytesIO(data))
    assert str(tags["TALB"]) == "Lạng Sơn" and tags.getall("APIC")[0].data == b"\x89PNG fake"
    chapters = tags.getall("CHAP")
    assert len(chapters) == 4  # intro, title, the paragraph, outro
    # a second render reuses the clips and their stored measurements: the same bytes
    again, again_data = render("articles/a/r2.mp3")
    assert again_data == data and again.address == rendered.address


def test_a_long_article_keeps_at_most_255_chapters_in_order() -> None:
    from loa.audio.chapters import MAX_CHAPTERS, Chapter, add_chapters
    from loa.audio.tags import id3_tag

    chapters = [Chapter(i * 2.0, i * 2.0 + 1.5, f"Đoạn {i}") for i in range(1000)]
    tagged = add_chapters(id3_tag(title="Bài rất dài"), chapters, toc_title="Bài rất dài")
    frames = sorted(ID3(io.BytesIO(tagged)).getall("CHAP"), key=lambda f: f.start_time)
    assert 0 < len(frames) <= MAX_CHAPTERS
    assert frames[0].start_time == 0 and frames[-1].end_time == round(999 * 2000 + 1500)
    assert all(a.end_time <= b.start_time for a, b in zip(frames, frames[1:], strict=False))
