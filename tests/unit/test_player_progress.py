"""The partial playlist for progressive playback: its timings are the final file's."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from loa import progress
from loa.audio import mp3
from loa.audio.gain import apply_steps
from loa.config import Settings
from loa.engines.cache import clip_key, words_key
from loa.engines.fake import FakeEngine
from loa.pipeline import prepare_segments, render_article, synthesize_segment
from loa.progress import Recorder, clip_with_pause, progress_key, read_progress
from loa.storage.memory import MemoryStorage
from loa.text.extract import extract_plain_text

SENTENCES = st.lists(
    st.sampled_from(
        [
            "Hà Nội mưa to.",
            "Giá vàng hôm nay giảm mạnh so với tuần trước.",
            "Xin chào.",
            "Tỉnh có 1.250 trường học với hơn 45.000 giáo viên, tăng 2,5% so với năm trước.",
        ]
    ),
    min_size=1,
    max_size=6,
)


def run(paragraphs: list[list[str]], stop_after: int | None = None):
    settings = Settings()
    engine = FakeEngine(ms_per_char=20)
    storage = MemoryStorage()
    text = "\n\n".join(" ".join(p) for p in paragraphs)
    article = extract_plain_text(text, title=None)
    segments = prepare_segments(article, max_chars=engine.max_chars)
    source = article.to_text(False)
    recorder = Recorder(storage, settings, "a" * 32, 1, engine, "vi", segments, source)
    clips = []
    for i, seg in enumerate(segments):
        clips.append(synthesize_segment(engine, "vi", seg.text, storage))
        recorder.advance(i + 1)
        if stop_after is not None and i + 1 == stop_after:
            break
    return settings, storage, segments, clips, source, recorder


@hsettings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SENTENCES, min_size=1, max_size=4))
def test_progressive_timings_and_bytes_are_the_final_files(paragraphs: list[list[str]]) -> None:
    settings, storage, segments, clips, source, _ = run(paragraphs)
    partial = read_progress(storage, "a" * 32, 1)
    assert partial is not None and partial["done"] == partial["total"] == len(segments)
    article = extract_plain_text("\n\n".join(" ".join(p) for p in paragraphs), title=None)
    final = render_article(
        article, FakeEngine(ms_per_char=20), "vi", settings, storage=storage, key="final.mp3"
    )
    final_mp3 = storage.read("final.mp3") or b""
    for got, want in zip(partial["segments"], final.playlist["segments"], strict=True):
        assert (got["start"], got["duration"], got["text"]) == (
            want["start"],
            want["duration"],
            want["text"],
        )
    assert partial["known_duration"] == final.playlist["duration"]
    # the clips with their pauses, played one after the other, are the final file's frames
    # (there with the article's loudness steps in their global_gain fields)
    joined = apply_steps(
        b"".join(
            clip_with_pause(storage.read(s["clip"]) or b"", s["pause_ms"])
            for s in partial["segments"]
        ),
        final.gain_steps,
    )
    frames = mp3.audio_frames(final_mp3)
    assert joined == b"".join(final_mp3[f.offset : f.end] for f in frames)


def test_pauses_follow_sentences_and_paragraphs_and_the_last_has_none() -> None:
    _, storage, segments, _, _, _ = run([["Một câu.", "Hai câu."], ["Đoạn mới."]])
    progress = read_progress(storage, "a" * 32, 1)
    assert progress is not None
    items = progress["segments"]
    assert [s["pause_ms"] for s in items] == [250, 600, 0]


def test_partial_playlist_grows_and_estimates_the_whole() -> None:
    _, storage, segments, _, _, recorder = run(
        [["Hà Nội mưa to.", "Giá vàng hôm nay giảm mạnh."], ["Xin chào các bạn."]], stop_after=1
    )
    partial = read_progress(storage, "a" * 32, 1)
    assert partial is not None and partial["done"] == 1 and partial["total"] == len(segments)
    assert partial["estimated_duration"] > partial["known_duration"] > 0
    assert partial["segments"][0]["clip"].startswith("cache/fake/vi/")
    with recorder:
        pass
    assert read_progress(storage, "a" * 32, 1) is None  # finished or superseded: removed


def test_a_broken_store_never_fails_the_job() -> None:
    class Broken(MemoryStorage):
        def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
            if key.endswith(".json"):
                raise OSError("disk full")
            super().write(key, data, durable=durable)

    engine = FakeEngine()
    storage = Broken()
    article = extract_plain_text("Một câu thôi.", title=None)
    segments = prepare_segments(article, max_chars=engine.max_chars)
    recorder = Recorder(storage, Settings(), "b" * 32, 1, engine, "vi", segments, "Một câu thôi.")
    synthesize_segment(engine, "vi", segments[0].text, storage)
    recorder.advance(1)  # logs, does not raise
    assert storage.read(progress_key("b" * 32, 1)) is None


def test_bad_progress_file_reads_as_none() -> None:
    storage = MemoryStorage()
    storage.write(progress_key("c" * 32, 2), b"{not json")
    assert read_progress(storage, "c" * 32, 2) is None
    storage.write(progress_key("c" * 32, 2), json.dumps([1, 2]).encode())
    assert read_progress(storage, "c" * 32, 2) is None


def test_rewrites_are_throttled_but_the_first_and_last_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes: list[int] = []
    clock = iter(range(10_000))  # a tenth of a second a segment, whatever the machine
    monkeypatch.setattr(progress, "monotonic", lambda: next(clock) / 10)

    class Counting(MemoryStorage):
        def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
            if key.endswith(".json"):
                writes.append(json.loads(data)["done"])
            super().write(key, data, durable=durable)

    engine = FakeEngine(ms_per_char=5)
    storage = Counting()
    text = " ".join(f"Câu số {n} của bài." for n in range(30))
    article = extract_plain_text(text, title=None)
    segments = prepare_segments(article, max_chars=engine.max_chars)
    source = article.to_text(False)
    recorder = Recorder(storage, Settings(), "d" * 32, 1, engine, "vi", segments, source)
    for i, seg in enumerate(segments):
        synthesize_segment(engine, "vi", seg.text, storage)
        recorder.advance(i + 1)
    assert writes[0] == 1 and writes[-1] == len(segments)
    assert len(segments) > 10 and len(writes) <= len(segments) // 5 + 2


def test_progressive_segments_carry_word_timings_placed_in_their_text() -> None:
    engine, storage = FakeEngine(ms_per_char=20), MemoryStorage()
    article = extract_plain_text("UBND tỉnh họp sáng nay. Có 2,5% hộ nghèo.", title=None)
    segments = prepare_segments(article, max_chars=engine.max_chars)
    source = article.to_text(False)
    recorder = Recorder(storage, Settings(), "b" * 32, 1, engine, "vi", segments, source)
    for i, seg in enumerate(segments):
        synthesize_segment(engine, "vi", seg.text, storage)
        said = [
            {"text": w, "start": 0.1 * k, "duration": 0.1} for k, w in enumerate(seg.text.split())
        ]
        # as an engine with word timings (edge) caches them beside the clip
        storage.write(words_key(clip_key(engine, "vi", seg.text)), json.dumps(said).encode())
        recorder.advance(i + 1)
    partial = read_progress(storage, "b" * 32, 1)
    assert partial is not None
    lit = [
        s["text"][w["offset"] : w["offset"] + w["length"]]
        for s in partial["segments"]
        for w in s["words"]
    ]
    assert lit[:5] == ["UBND"] * 4 + ["tỉnh"] and "2,5%" in lit
    second = partial["segments"][1]
    assert second["words"][0]["start"] == second["start"] > 0
