"""ID3 chapters, read back by mutagen and by ffmpeg."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from mutagen.id3 import ID3

from loa.audio import mp3
from loa.audio.chapters import Chapter, add_chapters, chapter_title
from loa.audio.tags import tag_mp3
from tests.fakes.audio import ffmpeg_exe
from tests.fakes.google_tts import google_mp3


def _tagged() -> bytes:
    return tag_mp3(mp3.strip_to_frames(google_mp3("a" * 100)), title="Bài & <1>", album="langson")


CHAPTERS = [
    Chapter(0.0, 2.5, "Ngày 16/5/2022, Sở KH&CN tổ chức hội thảo"),
    Chapter(2.5, 6.0, 'Đoạn hai: "kết quả" <2026>'),
]


def test_chapters_join_the_existing_tag() -> None:
    data = add_chapters(_tagged(), CHAPTERS, "Mục lục")
    tags = ID3(io.BytesIO(data))
    assert str(tags["TIT2"]) == "Bài & <1>" and str(tags["TALB"]) == "langson"
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp0", "chp1"]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time) for c in chaps] == [(0, 2500), (2500, 6000)]
    assert str(chaps[1].sub_frames["TIT2"]) == CHAPTERS[1].title
    assert mp3.strip_to_frames(data) == mp3.strip_to_frames(_tagged())  # audio untouched


def test_ffmpeg_reads_the_chapters(tmp_path: Path) -> None:
    path = tmp_path / "c.mp3"
    path.write_bytes(add_chapters(_tagged(), CHAPTERS))
    log = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        timeout=30,
        check=False,
    ).stderr.decode("utf-8", "replace")
    found = re.findall(r"Chapter #\d+:(\d+): start ([\d.]+), end ([\d.]+)", log)
    # (mutagen orders frames by size; the CTOC frame gives the order, times give the place)
    assert sorted((float(s), float(e)) for _, s, e in found) == [(0.0, 2.5), (2.5, 6.0)], log
    assert "Sở KH&CN" in log


def test_chapters_replace_earlier_ones() -> None:
    once = add_chapters(_tagged(), CHAPTERS)
    twice = add_chapters(once, CHAPTERS[:1])
    assert len(ID3(io.BytesIO(twice)).getall("CHAP")) == 1


def test_chapter_title_cuts_at_a_word() -> None:
    long = "Sở Khoa học và Công nghệ tỉnh Lạng Sơn " * 5
    title = chapter_title(long, 40)
    assert len(title) <= 40 and title.endswith("…") and not title.endswith(" …")
    assert chapter_title("  ngắn  ") == "ngắn"
