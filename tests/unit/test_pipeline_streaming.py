"""Streamed rendering: the article's MP3 is written into the store clip by clip, and its bytes
are exactly those of the former in-memory assembly (``reference_mp3`` below is that former
code, kept here as the oracle)."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loa.audio import mp3
from loa.audio.assemble import assemble, assemble_into, common_format
from loa.audio.chapters import add_chapters
from loa.audio.clip import AudioClip, AudioFormat
from loa.audio.encode import encode_clip, silence
from loa.audio.gain import apply_steps
from loa.audio.tags import id3_tag, tag_mp3
from loa.config import Settings
from loa.engines.fake import FakeEngine, tone_pcm
from loa.pipeline import (
    Tags,
    paragraph_chapters,
    pauses_for,
    render_article,
    synthesize_segment,
)
from loa.storage import LocalStorage, MemoryStorage
from loa.storage.base import Storage
from loa.text.extract import extract_plain_text
from loa.text.model import ExtractedArticle
from tests.fakes.google_tts import google_mp3

FMT = AudioFormat(sample_rate=22050, channels=1, bitrate_kbps=48)

ARTICLE = (
    "Ngày 16/5/2022, Sở Khoa học và Công nghệ tổ chức hội thảo về đổi mới sáng tạo.\n\n"
    "Hội thảo có hơn 120 đại biểu. Các chuyên gia bàn về khởi nghiệp.\n\n"
    "Theo báo cáo, kinh phí năm 2022 là 18,5 tỷ đồng. Người dân có thể tra cứu trên cổng "
    "thông tin điện tử của tỉnh."
)


def reference_mp3(clips: list[AudioClip], pauses: list[float]) -> bytes:
    """The former ``assemble``: every clip's frames and the pauses joined in memory, behind
    one Info frame."""
    formats = {c.format for c in clips}
    fmt = clips[0].format
    if len(formats) > 1:
        fmt = AudioFormat(fmt.sample_rate, fmt.channels, None)
    spf = mp3.samples_per_frame(fmt.sample_rate)
    parts: list[bytes] = []
    frame_count = 0
    for clip, pause in zip(clips, pauses, strict=True):
        frames = mp3.audio_frames(clip.mp3)
        parts.extend(clip.mp3[f.offset : f.end] for f in frames)
        frame_count += len(frames)
        if pause > 0:
            gap = silence(pause, fmt)
            parts.append(gap.mp3)
            frame_count += round(gap.duration * fmt.sample_rate / spf)
    audio = b"".join(parts)
    return mp3.info_frame(fmt, frame_count, len(audio)) + audio


def tone_clip(text: str, kbps: int = 48) -> AudioClip:
    return encode_clip(tone_pcm(text, "vi", 22050, 20.0), 22050, kbps)


def google_clip(text: str) -> AudioClip:
    data = google_mp3(text, ms_per_char=20.0)  # ID3 tag and Info frame in front of the frames
    return AudioClip(data, mp3.frames_duration(data), mp3.describe(data))


# --- assembly: streamed into a file == the former in-memory join ------------------------------


@pytest.mark.parametrize(
    ("clips", "pauses"),
    [
        ([tone_clip("một"), tone_clip("hai ba"), tone_clip("bốn năm sáu")], [0.25, 0.6, 0.0]),
        ([tone_clip("một", 48), tone_clip("hai", 32), tone_clip("ba", 64)], [0.12, 0.0, 0.3]),
        ([google_clip("xin chào"), google_clip("tạm biệt")], [0.25, 0.0]),
        ([tone_clip("một mình")], [0.0]),
    ],
    ids=["cbr", "vbr", "tagged-clips", "one"],
)
def test_streamed_assembly_is_byte_identical_to_the_in_memory_join(
    clips: list[AudioClip], pauses: list[float], tmp_path: Path
) -> None:
    expected = reference_mp3(clips, pauses)
    assert assemble(clips, pauses).mp3 == expected

    tag = id3_tag(title="Hội thảo", artist="langson")
    path = tmp_path / "out.mp3"
    with path.open("w+b") as out:
        out.write(tag)
        layout = assemble_into(out, iter(clips), pauses, common_format(c.format for c in clips))
    assert path.read_bytes() == tag + expected
    assert layout.size == len(expected)
    assert layout.duration == assemble(clips, pauses).duration


def test_assembly_consumes_the_clips_one_at_a_time() -> None:
    clips = [tone_clip("một"), tone_clip("hai"), tone_clip("ba")]
    placeholder = len(mp3.info_frame(FMT, 0, 0))
    out = io.BytesIO()

    def lazily() -> Iterator[AudioClip]:
        for i, clip in enumerate(clips):
            # clip i is asked for only once clips 0 .. i-1 are written
            assert out.tell() == placeholder + sum(len(c.mp3) for c in clips[:i])
            yield clip

    assemble_into(out, lazily(), [0.0, 0.0, 0.0], FMT)
    assert out.getvalue() == reference_mp3(clips, [0.0, 0.0, 0.0])


def test_assembly_refuses_clips_that_do_not_fit_the_announced_format() -> None:
    with pytest.raises(ValueError, match="cannot join"):
        assemble_into(io.BytesIO(), iter([tone_clip("hai", 32)]), [0.0], FMT)
    with pytest.raises(ValueError, match="pauses"):
        assemble_into(io.BytesIO(), iter([tone_clip("a"), tone_clip("b")]), [0.0], FMT)
    with pytest.raises(ValueError, match="pauses"):
        assemble_into(io.BytesIO(), iter([tone_clip("a")]), [0.0, 0.0], FMT)
    with pytest.raises(ValueError, match="nothing"):
        assemble_into(io.BytesIO(), iter([]), [], FMT)
    with pytest.raises(ValueError, match="nothing"):
        common_format([])


# --- the tag alone ----------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@given(
    title=_text,
    artist=st.none() | _text,
    album=st.none() | _text,
    date=st.none() | st.dates().map(lambda d: d.isoformat()),
)
def test_tag_first_then_audio_is_what_tag_mp3_makes(
    title: str, artist: str | None, album: str | None, date: str | None
) -> None:
    audio = reference_mp3([tone_clip("ba")], [0.0])
    tag = id3_tag(title=title, artist=artist, album=album, date=date)
    assert tag[:3] == b"ID3"
    assert tag + audio == tag_mp3(audio, title=title, artist=artist, album=album, date=date)


# --- the store's streamed write ---------------------------------------------------------------


def stores(tmp_path: Path) -> list[Storage]:
    return [LocalStorage(tmp_path / "store"), MemoryStorage()]


@pytest.mark.parametrize("kind", ["local", "memory"])
def test_open_write_replaces_the_key_whole_and_only_on_success(kind: str, tmp_path: Path) -> None:
    store = stores(tmp_path)[0 if kind == "local" else 1]
    store.write("articles/a/r1.mp3", b"old")
    with store.open_write("articles/a/r1.mp3") as f:
        f.write(b"new ")
        assert store.read("articles/a/r1.mp3") == b"old"  # readers see the old one meanwhile
        f.write(b"audio")
        f.seek(0)
        f.write(b"NEW")
    assert store.read("articles/a/r1.mp3") == b"NEW audio"

    with pytest.raises(RuntimeError), store.open_write("articles/a/r1.mp3") as f:
        f.write(b"half")
        raise RuntimeError("the render failed")
    assert store.read("articles/a/r1.mp3") == b"NEW audio"
    if isinstance(store, LocalStorage):
        assert [p.name for p in (tmp_path / "store" / "articles" / "a").iterdir()] == ["r1.mp3"]
    with pytest.raises(ValueError):
        store.open_write("../outside.mp3").__enter__()


# --- render_article: the stored file == the former tag_mp3(assemble(...)) --------------------


def render(settings: Settings, store: Storage, article: ExtractedArticle) -> bytes:
    engine = FakeEngine(ms_per_char=20.0)
    rendered = render_article(
        article,
        engine,
        "vi",
        settings,
        storage=store,
        key="articles/a/r1.mp3",
        tags=Tags(artist="langson", album="langson", date="2022-05-16"),
    )
    data = store.read("articles/a/r1.mp3")
    assert data is not None and len(data) == rendered.size
    # the former composition: every clip in memory, joined, then its loudness steps, the tag
    # and the chapters
    clips = [synthesize_segment(engine, "vi", s.text, MemoryStorage()) for s in rendered.segments]
    title = article.title or "Loa"
    expected = tag_mp3(
        apply_steps(
            reference_mp3(clips, pauses_for(rendered.segments, settings)), rendered.gain_steps
        ),
        title=title,
        artist="langson",
        album="langson",
        date="2022-05-16",
    )
    expected = add_chapters(expected, paragraph_chapters(rendered.playlist), toc_title=title)
    assert data == expected
    assert rendered.duration == assemble(clips, pauses_for(rendered.segments, settings)).duration
    return data


@pytest.mark.parametrize("kind", ["local", "memory"])
def test_render_article_stores_the_same_bytes_as_before(kind: str, tmp_path: Path) -> None:
    store = stores(tmp_path)[0 if kind == "local" else 1]
    article = extract_plain_text(ARTICLE, title="Hội thảo")
    first = render(Settings(), store, article)
    again = render(Settings(), store, article)  # from the segment cache this time
    assert again == first


def test_render_article_makes_a_clip_again_when_the_cache_lost_it(tmp_path: Path) -> None:
    forgotten: list[str] = []

    class Forgetful(LocalStorage):
        """A segment cache that loses every other entry once it has been written (e.g. cleaned
        by an operator between synthesis and assembly)."""

        def read(self, key: str) -> bytes | None:
            if key.startswith("cache/") and self.exists(key) and zlib.crc32(key.encode()) % 2:
                if key not in forgotten:
                    forgotten.append(key)
                    self.delete(key)
            return super().read(key)

    article = extract_plain_text(ARTICLE, title="Hội thảo")
    render(Settings(), Forgetful(tmp_path / "store"), article)  # checks the bytes
    assert forgotten
