"""loa.jobs against a real SQLite database and LocalStorage in the test's data dir.

The engine is the FakeEngine (LOA_ENGINE=fake) unless a test says otherwise; articles are
inserted directly, as the API would leave them (status "queued", revision 1).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import delete, update

from loa.audio.clip import AudioClip
from loa.clock import as_utc
from loa.config import Settings, get_settings
from loa.engines import registry
from loa.engines.fake import FakeEngine
from loa.errors import EngineRejected, EngineUnavailable
from loa.jobs import LEASE_SECONDS, LeaseHeld, find_stale_work, run_article_job
from loa.storage import LocalStorage
from loa.storage.db import migrate, session_scope
from loa.storage.models import Article

ARTICLE = (
    "Sở Khoa học và Công nghệ tổ chức hội thảo về đổi mới sáng tạo.\n"
    "Tham dự có đại diện các huyện và nhiều doanh nghiệp. Hội thảo kéo dài một ngày.\n"
    "Sở sẽ tiếp tục hỗ trợ các dự án khởi nghiệp trong thời gian tới."
)


# --- helpers ----------------------------------------------------------------------------------


def make_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    """Settings from the environment (LOA_ENGINE=fake unless given), with a migrated DB."""
    monkeypatch.setenv("LOA_ENGINE", "fake")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    registry.clear_engine_cache()
    settings = get_settings()
    migrate(settings.sqlalchemy_url)
    return settings


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    return make_settings(monkeypatch)


@pytest.fixture(autouse=True)
def _forget_engines():
    yield
    registry.clear_engine_cache()


def add_article(
    settings: Settings,
    text: str = ARTICLE,
    *,
    source_kind: str = "text",
    status: str = "queued",
    revision: int = 1,
    **columns: object,
) -> str:
    article_id = uuid.uuid4().hex
    with session_scope(settings.sqlalchemy_url) as s:
        s.add(
            Article(
                id=article_id,
                site="default",
                title="",
                source_kind=source_kind,
                source=text,
                content_hash=uuid.uuid4().hex,
                revision=revision,
                status=status,
                **columns,
            )
        )
    return article_id


def load(settings: Settings, article_id: str) -> Article | None:
    with session_scope(settings.sqlalchemy_url) as s:
        return s.get(Article, article_id)


def set_columns(settings: Settings, article_id: str, **values: object) -> None:
    with session_scope(settings.sqlalchemy_url) as s:
        s.execute(update(Article).where(Article.id == article_id).values(**values))


def audio_path(settings: Settings, article_id: str, revision: int = 1) -> Path:
    return settings.data_dir / "audio" / "articles" / article_id / f"r{revision}.mp3"


def article_files(settings: Settings, article_id: str) -> list[Path]:
    folder = settings.data_dir / "audio" / "articles" / article_id
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def fake_engine(settings: Settings) -> FakeEngine:
    engine = registry.get_engine("fake", settings)
    assert isinstance(engine, FakeEngine)
    return engine


def dead_pid() -> int:
    """The pid of a process of ours that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    try:
        os.kill(proc.pid, 0)
    except ProcessLookupError:
        return proc.pid
    pytest.skip("the pid was reused at once")


def now() -> datetime:
    return datetime.now(UTC)


# --- the happy path ---------------------------------------------------------------------------


def test_queued_article_becomes_ready_with_audio_and_playlist(settings: Settings) -> None:
    article_id = add_article(settings)
    progress: list[tuple[int, int]] = []

    result = run_article_job(
        article_id, 1, settings, on_progress=lambda done, total: progress.append((done, total))
    )

    assert result.outcome == "ready", result
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "ready"
    assert row.error is None
    assert row.engine == "fake" and row.voice_used == "vi"
    assert row.lease_until is None
    assert row.ready_at is not None
    assert row.attempts == 1
    assert row.duration is not None and row.duration > 0

    # progress: one call a segment, ending complete
    n = row.segments_total
    assert n >= 3
    assert row.segments_done == n
    assert progress == [(i, n) for i in range(1, n + 1)]

    # playlist: every segment, in order, starts ascending, the total is the article's length
    playlist = row.playlist
    assert playlist is not None
    segments = playlist["segments"]
    assert [s["index"] for s in segments] == list(range(n))
    starts = [s["start"] for s in segments]
    assert starts[0] == 0
    assert all(a < b for a, b in zip(starts, starts[1:], strict=False))
    for prev, nxt in zip(segments, segments[1:], strict=False):
        assert nxt["start"] >= prev["start"] + prev["duration"] - 0.002  # no overlap
    assert all(s["duration"] > 0 and s["spoken"].strip() for s in segments)
    last = segments[-1]
    assert playlist["duration"] == pytest.approx(last["start"] + last["duration"], abs=0.002)
    assert playlist["duration"] == pytest.approx(row.duration, abs=0.001)
    assert "Sở Khoa học" in segments[0]["text"]

    # the file: data/audio/articles/<id>/r1.mp3, tagged MP3
    assert row.audio_key == f"articles/{article_id}/r1.mp3"
    assert row.audio_revision == 1
    path = audio_path(settings, article_id)
    assert path.is_file()
    data = path.read_bytes()
    assert data.startswith(b"ID3")
    assert row.audio_bytes == len(data)
    assert LocalStorage(settings.audio_dir).read(row.audio_key) == data


def test_without_pauses_the_total_is_the_sum_of_the_segments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings(monkeypatch, LOA_SENTENCE_PAUSE_MS="0", LOA_PARAGRAPH_PAUSE_MS="0")
    article_id = add_article(settings)
    assert run_article_job(article_id, 1, settings).outcome == "ready"
    row = load(settings, article_id)
    assert row is not None and row.playlist is not None
    segments = row.playlist["segments"]
    total = sum(s["duration"] for s in segments)
    assert row.playlist["duration"] == pytest.approx(total, abs=0.001 * len(segments))
    running = 0.0
    for seg in segments:  # back to back: each starts where the one before ends
        assert seg["start"] == pytest.approx(running, abs=0.001 * (seg["index"] + 1))
        running += seg["duration"]


def test_running_the_job_twice_is_idempotent(settings: Settings) -> None:
    article_id = add_article(settings)
    assert run_article_job(article_id, 1, settings).outcome == "ready"
    before = load(settings, article_id)
    calls = len(fake_engine(settings).calls)
    data = audio_path(settings, article_id).read_bytes()

    again = run_article_job(article_id, 1, settings)

    assert again.outcome == "skipped"
    after = load(settings, article_id)
    assert before is not None and after is not None
    assert after.status == "ready"
    assert after.attempts == before.attempts == 1
    assert after.ready_at == before.ready_at
    assert after.playlist == before.playlist
    assert len(fake_engine(settings).calls) == calls
    assert audio_path(settings, article_id).read_bytes() == data


def test_an_older_revision_of_the_job_does_nothing(settings: Settings) -> None:
    article_id = add_article(settings, revision=2)
    assert run_article_job(article_id, 1, settings).outcome == "skipped"
    row = load(settings, article_id)
    assert row is not None and row.status == "queued" and row.attempts == 0
    assert article_files(settings, article_id) == []


# --- leases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "owner",
    [
        pytest.param(lambda: f"{socket.gethostname()}:{os.getppid()}", id="live-pid-this-host"),
        pytest.param(lambda: f"{socket.gethostname()}:{os.getpid()}", id="this-process"),
        pytest.param(lambda: "some-other-host:1234", id="other-host"),
    ],
)
def test_fresh_lease_of_a_live_owner_raises_lease_held(
    settings: Settings, owner: Callable[[], str]
) -> None:
    holder = owner()
    lease = now() + timedelta(seconds=LEASE_SECONDS)
    article_id = add_article(
        settings, status="processing", lease_until=lease, lease_owner=holder, attempts=1
    )

    with pytest.raises(LeaseHeld) as caught:
        run_article_job(article_id, 1, settings)

    assert 1 <= caught.value.seconds <= LEASE_SECONDS + 2
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "processing"
    assert row.lease_owner == holder
    assert row.attempts == 1
    assert len(fake_engine(settings).calls) == 0
    assert article_files(settings, article_id) == []


def test_lease_of_a_dead_process_on_this_host_is_taken_over_at_once(settings: Settings) -> None:
    pid = dead_pid()
    holder = f"{socket.gethostname()}:{pid}"
    article_id = add_article(
        settings,
        status="processing",
        lease_until=now() + timedelta(seconds=LEASE_SECONDS),
        lease_owner=holder,
        attempts=1,
        segments_done=1,
        segments_total=3,
    )

    result = run_article_job(article_id, 1, settings)

    assert result.outcome == "ready"
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "ready"
    assert row.attempts == 2
    assert row.lease_owner == f"{socket.gethostname()}:{os.getpid()}"
    assert audio_path(settings, article_id).is_file()


def test_expired_lease_is_taken_over(settings: Settings) -> None:
    article_id = add_article(
        settings,
        status="processing",
        lease_until=now() - timedelta(seconds=1),
        lease_owner="some-other-host:1",
        attempts=1,
    )
    assert run_article_job(article_id, 1, settings).outcome == "ready"
    row = load(settings, article_id)
    assert row is not None and row.status == "ready" and row.attempts == 2


# --- changes while the job runs ---------------------------------------------------------------


@pytest.mark.parametrize("when", ["first", "last"])
def test_revision_bumped_meanwhile_ends_skipped_and_keeps_the_new_state(
    settings: Settings, when: str
) -> None:
    article_id = add_article(settings)

    def repost(done: int, total: int) -> None:
        if (when == "first" and done == 1) or (when == "last" and done == total):
            # what POST /v1/articles does for a changed article: a new revision, queued again
            set_columns(
                settings,
                article_id,
                revision=2,
                status="queued",
                error=None,
                segments_done=0,
                segments_total=0,
                lease_until=None,
            )

    result = run_article_job(article_id, 1, settings, on_progress=repost)

    assert result.outcome == "skipped"
    row = load(settings, article_id)
    assert row is not None
    assert row.revision == 2
    assert row.status == "queued"
    assert row.error is None
    assert row.segments_done == 0
    assert row.audio_key is None and row.playlist is None and row.duration is None
    assert article_files(settings, article_id) == []
    # and the new revision is then made normally
    assert run_article_job(article_id, 2, settings).outcome == "ready"
    assert audio_path(settings, article_id, 2).is_file()
    assert not audio_path(settings, article_id, 1).exists()


@pytest.mark.parametrize("when", ["first", "last"])
def test_article_deleted_meanwhile_leaves_no_orphan_audio(settings: Settings, when: str) -> None:
    article_id = add_article(settings)

    def remove(done: int, total: int) -> None:
        if (when == "first" and done == 1) or (when == "last" and done == total):
            with session_scope(settings.sqlalchemy_url) as s:
                s.execute(delete(Article).where(Article.id == article_id))

    result = run_article_job(article_id, 1, settings, on_progress=remove)

    assert result.outcome == "skipped"
    assert load(settings, article_id) is None
    assert article_files(settings, article_id) == []
    assert not (settings.audio_dir / "articles" / article_id).exists()  # no empty folder


class _FolderRemovingStorage(LocalStorage):
    """Local storage whose article folder vanishes just as the job writes its audio: what a
    DELETE racing the job's write does."""

    def __init__(self, root: Path, settings: Settings, article_id: str) -> None:
        super().__init__(root)
        self.settings, self.article_id = settings, article_id

    @contextlib.contextmanager
    def open_write(self, key: str, *, durable: bool = True) -> Iterator[BinaryIO]:
        with super().open_write(key, durable=durable) as f:
            yield f
            if key.startswith("articles/"):
                with session_scope(self.settings.sqlalchemy_url) as s:
                    s.execute(delete(Article).where(Article.id == self.article_id))
                # the DELETE's rmtree between our last write and our rename
                shutil.rmtree(self.root / "articles" / self.article_id)


def test_delete_while_the_audio_is_written_ends_quietly(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    article_id = add_article(settings)
    storage = _FolderRemovingStorage(settings.audio_dir, settings, article_id)
    monkeypatch.setattr("loa.jobs.get_storage", lambda _settings: storage)

    result = run_article_job(article_id, 1, settings)

    assert result.outcome == "skipped"
    assert not (settings.audio_dir / "articles" / article_id).exists()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


# --- failures ---------------------------------------------------------------------------------


def test_text_with_nothing_speakable_fails_with_a_reason(settings: Settings) -> None:
    article_id = add_article(settings, "… !!! ---")

    result = run_article_job(article_id, 1, settings)

    assert result.outcome == "failed"
    assert result.detail
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "failed"
    assert row.error and "text" in row.error
    assert row.lease_until is None
    assert row.audio_key is None
    assert article_files(settings, article_id) == []


def test_html_without_an_article_fails_naming_the_field(settings: Settings) -> None:
    page = (
        "<!doctype html><html><head><title></title></head><body>"
        "<nav><a href='/'>Trang chủ</a> <a href='/tin'>Tin tức</a></nav>"
        "</body></html>"
    )
    article_id = add_article(settings, page, source_kind="html")

    result = run_article_job(article_id, 1, settings)

    assert result.outcome == "failed"
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "failed"
    assert row.error is not None and row.error.startswith("html")
    assert result.detail == row.error
    assert row.lease_until is None
    assert article_files(settings, article_id) == []


def test_failure_reason_names_the_field_once(settings: Settings) -> None:
    page = "<!doctype html><html><body><nav><a href='/'>Trang chủ</a></nav></body></html>"
    article_id = add_article(settings, page, source_kind="html")
    assert run_article_job(article_id, 1, settings).outcome == "failed"
    row = load(settings, article_id)
    assert row is not None and row.error is not None
    assert not row.error.startswith("html: html:"), row.error


class RefusingEngine(FakeEngine):
    """An engine that refuses every text (a permanent error)."""

    name = "gtts"

    def synthesize(self, text: str, voice: str) -> AudioClip:
        raise EngineRejected("test: text refused")


def test_engine_refusing_the_text_fails_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(monkeypatch, LOA_ENGINE="gtts")
    article_id = add_article(settings)

    with registry.registered("gtts", lambda _settings: RefusingEngine()):
        result = run_article_job(article_id, 1, settings)

    assert result.outcome == "failed"
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "failed"
    assert row.error and "refused" in row.error
    assert row.lease_until is None
    assert article_files(settings, article_id) == []


class DownEngine(FakeEngine):
    """An online engine that never answers."""

    name = "gtts"

    def synthesize(self, text: str, voice: str) -> AudioClip:
        raise EngineUnavailable("test: no route to host")


def test_unavailable_explicit_engine_requeues_and_reraises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings(monkeypatch, LOA_ENGINE="gtts")
    article_id = add_article(settings)

    with registry.registered("gtts", lambda _settings: DownEngine()):
        with pytest.raises(EngineUnavailable):
            run_article_job(article_id, 1, settings)

    row = load(settings, article_id)
    assert row is not None
    assert row.status == "queued"  # explicit choice: no fallback, the task retries later
    assert row.error and "unavailable" in row.error
    assert row.lease_until is None
    assert row.audio_key is None
    assert article_files(settings, article_id) == []

    # the retry can claim it again at once
    working = make_settings(monkeypatch, LOA_ENGINE="fake")
    assert run_article_job(article_id, 1, working).outcome == "ready"


class FlakyGoogle(FakeEngine):
    """Looks like Google: available, one voice, short requests; fails on its second request."""

    name = "gtts"
    voices: tuple[str, ...] = ("vi",)
    max_chars = 100
    region_of_voice: dict[str, str] = {"vi": "north"}

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    def synthesize(self, text: str, voice: str) -> AudioClip:
        self.requests += 1
        if self.requests == 2:
            raise EngineUnavailable("test: connection reset")
        return super().synthesize(text, voice)

    def available(self) -> bool:
        return True


def test_auto_mode_moves_the_article_to_espeak_when_google_fails_midway(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    google = FlakyGoogle()
    settings = make_settings(monkeypatch, LOA_ENGINE="auto")
    article_id = add_article(settings)

    with registry.registered("gtts", lambda _settings: google):
        result = run_article_job(article_id, 1, settings)

    assert result.outcome == "ready", result
    assert google.requests == 2  # one clip, one failure, then no more requests to Google
    row = load(settings, article_id)
    assert row is not None
    assert row.status == "ready"
    assert row.engine == "espeak"
    assert row.voice_used == "vi"
    assert row.engine_note and "gtts" in row.engine_note and "espeak" in row.engine_note
    assert row.segments_done == row.segments_total > 0
    assert row.playlist is not None and len(row.playlist["segments"]) == row.segments_total
    assert audio_path(settings, article_id).is_file()


# --- the sweep --------------------------------------------------------------------------------


def test_find_stale_work_returns_lost_work_only_and_touches_it(settings: Settings) -> None:
    old = now() - timedelta(minutes=10)
    queued_long = add_article(settings, updated_at=old)
    queued_fresh = add_article(settings)
    expired = add_article(
        settings,
        status="processing",
        lease_until=now() - timedelta(seconds=5),
        lease_owner="other-host:1",
        updated_at=old,
        revision=3,
    )
    no_lease = add_article(settings, status="processing", updated_at=old)
    leased = add_article(
        settings,
        status="processing",
        lease_until=now() + timedelta(seconds=LEASE_SECONDS),
        lease_owner="other-host:1",
        updated_at=old,
    )
    add_article(settings, status="ready", updated_at=old)
    add_article(settings, status="failed", updated_at=old)

    before = now()
    stale = find_stale_work(settings, queued_older_than=60)

    assert sorted(stale) == sorted([(queued_long, 1), (expired, 3), (no_lease, 1)])
    for article_id in (queued_long, expired, no_lease):
        row = load(settings, article_id)
        assert row is not None
        touched = as_utc(row.updated_at)
        assert touched is not None and touched >= before - timedelta(seconds=1)
    for article_id in (queued_fresh, leased):
        row = load(settings, article_id)
        assert row is not None and row.status in ("queued", "processing")

    # touched: a queued article is not re-sent again right away
    again = find_stale_work(settings, queued_older_than=60)
    assert (queued_long, 1) not in again
    # queued_older_than=0 (worker start-up): every queued article
    assert {queued_long, queued_fresh} <= {
        a for a, _ in find_stale_work(settings, queued_older_than=0)
    }


def test_find_stale_work_does_not_resend_an_expired_lease_right_away(settings: Settings) -> None:
    expired = add_article(
        settings,
        status="processing",
        lease_until=now() - timedelta(seconds=5),
        lease_owner="other-host:1",
        updated_at=now() - timedelta(minutes=10),
    )
    assert find_stale_work(settings, queued_older_than=60) == [(expired, 1)]
    assert find_stale_work(settings, queued_older_than=60) == []


# --- the segment cache ------------------------------------------------------------------------


def test_same_text_again_is_made_from_cached_segments(settings: Settings) -> None:
    article_id = add_article(settings)
    assert run_article_job(article_id, 1, settings).outcome == "ready"
    engine = fake_engine(settings)
    first_calls = len(engine.calls)
    assert first_calls > 0
    first = load(settings, article_id)
    assert first is not None

    # a new revision with the same text (e.g. a lexicon change that does not touch it)
    set_columns(settings, article_id, revision=2, status="queued", segments_done=0)
    assert run_article_job(article_id, 2, settings).outcome == "ready"

    assert len(engine.calls) == first_calls  # the engine was not called at all
    second = load(settings, article_id)
    assert second is not None
    assert second.audio_key == f"articles/{article_id}/r2.mp3"
    assert second.duration == first.duration
    assert second.playlist == first.playlist
    assert audio_path(settings, article_id, 2).is_file()
    # the same bytes: one immutable address, served from the newest file; the older copy goes
    # (replaced audio with other bytes is kept LOA_REPLACED_AUDIO_RETENTION_HOURS)
    assert not audio_path(settings, article_id, 1).exists()

    set_columns(settings, article_id, revision=3, status="queued", segments_done=0)
    assert run_article_job(article_id, 3, settings).outcome == "ready"
    assert audio_path(settings, article_id, 3).is_file()
    assert not audio_path(settings, article_id, 2).exists()


# --- render_article, the one composition the job, `loa say` and bench/ call ------------------


def test_render_article_prepares_synthesizes_assembles_and_tags(settings: Settings) -> None:
    from loa.pipeline import Tags, render_article
    from loa.storage import MemoryStorage
    from loa.text.extract import extract_plain_text

    article = extract_plain_text(ARTICLE, title="Hội thảo")
    engine = fake_engine(settings)
    seen: list[int] = []
    progress: list[tuple[int, int]] = []

    store = MemoryStorage()
    rendered = render_article(
        article,
        engine,
        "vi",
        settings,
        storage=store,
        key="a.mp3",
        tags=Tags(artist="langson", album="langson"),
        on_prepared=lambda segments: seen.append(len(segments)),
        on_progress=lambda done, total: progress.append((done, total)),
    )

    total = len(rendered.segments)
    assert seen == [total] and total > 1
    assert progress == [(i, total) for i in range(1, total + 1)]
    data = store.read("a.mp3")
    assert data is not None and data[:3] == b"ID3" and len(data) == rendered.size
    assert len(rendered.playlist["segments"]) == total
    assert rendered.playlist["duration"] == pytest.approx(rendered.duration, abs=0.001)
    heard = " ".join(s["text"] for s in rendered.playlist["segments"])
    assert "đổi mới sáng tạo" in heard and "khởi nghiệp" in heard


def test_render_article_with_nothing_speakable_raises_input_error(settings: Settings) -> None:
    from loa.errors import InputError
    from loa.pipeline import render_article
    from loa.storage import MemoryStorage
    from loa.text.extract import extract_plain_text

    with pytest.raises(InputError) as caught:
        render_article(
            extract_plain_text("… !!! ---"),
            fake_engine(settings),
            "vi",
            settings,
            storage=MemoryStorage(),
            key="a.mp3",
        )
    assert caught.value.field == "text"
