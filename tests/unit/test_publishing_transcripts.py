"""WebVTT transcripts: header, cue timing format, cues in order and inside the audio."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from loa.publishing.transcripts import cues, timestamp, webvtt
from tests.fakes.audio import ffmpeg_exe

TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def check_webvtt(text: str, duration: float) -> list[tuple[float, float, str]]:
    """A strict reading of the WebVTT rules Loa relies on; returns (start, end, text) cues."""
    assert text.startswith("WEBVTT\n\n")
    blocks = [b for b in text[len("WEBVTT\n\n") :].split("\n\n") if b.strip()]
    out: list[tuple[float, float, str]] = []
    previous_end = 0.0
    for block in blocks:
        lines = block.strip("\n").split("\n")
        assert len(lines) == 3, block
        match = TIMING.match(lines[1])
        assert match, lines[1]
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        assert previous_end <= start < end <= duration + 1e-9
        assert "-->" not in lines[2] and "<" not in lines[2] and lines[2].strip()
        assert re.sub(r"&(amp|lt|gt);", "", lines[2]).count("&") == 0
        previous_end = end
        out.append((start, end, lines[2]))
    return out


def test_the_readers_text_with_its_timings() -> None:
    segments = [(0.0, 2.5, "Ngày 16/5/2022, Sở KH&CN"), (2.75, 3.0, "tổ chức <hội thảo>.")]
    text = webvtt(segments, 6.0)
    parsed = check_webvtt(text, 6.0)
    assert parsed == [
        (0.0, 2.5, "Ngày 16/5/2022, Sở KH&amp;CN"),
        (2.75, 5.75, "tổ chức &lt;hội thảo&gt;."),
    ]


def test_timestamps() -> None:
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(3725.0996) == "01:02:05.100"


def test_cues_are_clamped_into_the_audio_and_never_overlap() -> None:
    result = cues([(5.0, 3.0, "b"), (0.0, 6.0, "a"), (9.5, 1.0, "c"), (1.0, 1.0, "  ")], 9.0)
    assert [(c.start, c.end, c.text) for c in result] == [(0.0, 6.0, "a"), (6.0, 8.0, "b")]


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=100),
            st.floats(min_value=0, max_value=20),
            st.text(max_size=40),
        ),
        max_size=20,
    ),
    st.floats(min_value=0.5, max_value=120),
)
def test_any_segments_give_valid_webvtt(
    segments: list[tuple[float, float, str]], duration: float
) -> None:
    check_webvtt(webvtt(segments, duration), duration)


def test_ffmpeg_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    segments = [(i * 2.0, 1.8, f"Câu số {i} & <thử>") for i in range(5)]
    path.write_text(webvtt(segments, 10.0), encoding="utf-8")
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-xerror", "-i", str(path), "-f", "srt", "-"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    srt = result.stdout.decode()
    assert srt.count("-->") == 5 and "Câu số 4" in srt
