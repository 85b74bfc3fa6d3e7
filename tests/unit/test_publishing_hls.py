"""HLS playlists of packed MP3 audio, parsed and played by ffmpeg from files and over HTTP."""

from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from loa.audio import mp3
from loa.audio.assemble import AssembledAudio, assemble
from loa.engines.espeak import EspeakEngine
from loa.publishing.hls import (
    PRIV_OWNER,
    HlsSegment,
    article_playlist,
    cut,
    media_playlist,
    packed_audio_segment,
    site_playlist,
    timestamp_tag,
)
from tests.fakes.audio import ffmpeg_exe

SENTENCES = (
    ("Bản tin sáng nay.", "Sở Khoa học tổ chức hội thảo.", "Hội thảo kết thúc lúc mười giờ."),
    ("Tin thứ hai.", "Trời Lạng Sơn hôm nay nắng nhẹ."),
)


@functools.cache
def _article(n: int) -> AssembledAudio:
    engine = EspeakEngine()
    clips = [engine.synthesize(t, "vi") for t in SENTENCES[n]]
    return assemble(clips, [0.25] * (len(clips) - 1) + [0.6])


def _write_segments(tmp: Path, n: int, prefix: str) -> list[HlsSegment]:
    audio = _article(n)
    pieces = cut(audio.mp3, [start for start, _ in audio.offsets])
    segments = []
    for i, piece in enumerate(pieces):
        name = f"{prefix}{i}.mp3"
        (tmp / name).write_bytes(packed_audio_segment(piece.frames, piece.start))
        segments.append(HlsSegment(name, piece.duration, f"Đoạn {i} & <{prefix}>"))
    return segments


def _parse(text: str) -> tuple[dict[str, str], list[tuple[float, str]], bool]:
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    tags: dict[str, str] = {}
    for line in lines:
        match = re.match(r"#(EXT-X-[A-Z-]+):(.*)", line)
        if match:
            tags[match.group(1)] = match.group(2)
    entries = [
        (float(lines[i].split(":")[1].split(",")[0]), lines[i + 1])
        for i in range(len(lines))
        if lines[i].startswith("#EXTINF:")
    ]
    target = int(tags["EXT-X-TARGETDURATION"])
    assert all(round(d) <= target for d, _ in entries)
    return tags, entries, "#EXT-X-ENDLIST" in lines


def _ffmpeg_duration(source: str, *extra: str, timeout: float = 60) -> float:
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-protocol_whitelist", "file,http,tcp"]
        + [*extra, "-i", source, "-f", "s16le", "-ac", "1", "-ar", "22050", "pipe:1"],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    log = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, log[-3000:]
    assert "rror" not in log, log[-3000:]
    return len(result.stdout) / 2 / 22050


def test_timestamp_tag_is_an_id3_priv_frame() -> None:
    tag = timestamp_tag(10.0)
    assert tag[:3] == b"ID3" and tag[3] == 4
    assert PRIV_OWNER + b"\x00" in tag
    assert int.from_bytes(tag[-8:], "big") == 900_000
    assert mp3.strip_to_frames(packed_audio_segment(b"", 1.0)) == b""  # a tag, not audio


def test_cut_pieces_add_up_to_the_article() -> None:
    audio = _article(0)
    pieces = cut(audio.mp3, [s for s, _ in audio.offsets])
    assert len(pieces) == 3
    assert sum(p.duration for p in pieces) == pytest.approx(audio.duration)
    assert b"".join(p.frames for p in pieces) == mp3.strip_to_frames(audio.mp3)


def test_cut_refuses_a_frame_that_borrows_from_the_reservoir() -> None:
    audio = _article(0)
    start, length = audio.offsets[1]
    with pytest.raises(ValueError, match="reservoir"):
        cut(audio.mp3, [start + length / 2])


def test_complete_article_plays_in_ffmpeg_from_files(tmp_path: Path) -> None:
    segments = _write_segments(tmp_path, 0, "a")
    text = article_playlist(segments, complete=True)
    tags, entries, ended = _parse(text)
    assert tags["EXT-X-PLAYLIST-TYPE"] == "EVENT" and ended
    (tmp_path / "a.m3u8").write_text(text, encoding="utf-8")
    played = _ffmpeg_duration(str(tmp_path / "a.m3u8"))
    assert played == pytest.approx(_article(0).duration, abs=0.1)


@contextlib.contextmanager
def _serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_site_playlist_plays_over_http(tmp_path: Path) -> None:
    articles = [_write_segments(tmp_path, 0, "a"), _write_segments(tmp_path, 1, "b")]
    text = site_playlist(articles)
    tags, entries, ended = _parse(text)
    assert tags["EXT-X-PLAYLIST-TYPE"] == "VOD" and ended
    assert text.count("#EXT-X-DISCONTINUITY") == 1
    assert [uri for _, uri in entries] == [s.uri for a in articles for s in a]
    (tmp_path / "site.m3u8").write_text(text, encoding="utf-8")
    with _serve(tmp_path) as base:
        played = _ffmpeg_duration(f"{base}/site.m3u8")
    assert played == pytest.approx(_article(0).duration + _article(1).duration, abs=0.2)


def test_event_playlist_grows_then_ends(tmp_path: Path) -> None:
    """ffmpeg follows an EVENT playlist as segments are appended and stops at ENDLIST."""
    segments = _write_segments(tmp_path, 0, "a")
    playlist = tmp_path / "live.m3u8"
    playlist.write_text(article_playlist(segments[:1], complete=False), encoding="utf-8")
    _, _, ended = _parse(playlist.read_text())
    assert not ended
    with _serve(tmp_path) as base:
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-live_start_index", "0"]
        command += ["-i", f"{base}/live.m3u8", "-f", "s16le", "-ac", "1", "-ar", "22050"]
        process = subprocess.Popen(
            [*command, "pipe:1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            time.sleep(1.0)  # let ffmpeg read the first version (not a timing assertion)
            assert process.poll() is None  # still waiting: the playlist has no ENDLIST
            playlist.write_text(article_playlist(segments, complete=True), encoding="utf-8")
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert len(out) / 2 / 22050 == pytest.approx(_article(0).duration, abs=0.1)


def test_target_duration_and_types() -> None:
    text = media_playlist([HlsSegment("a.mp3", 5.5), HlsSegment("b.mp3", 2.2)])
    assert "#EXT-X-TARGETDURATION:6" in text and text.endswith("#EXT-X-ENDLIST\n")
    with pytest.raises(ValueError):
        media_playlist([], kind="vod", complete=False)
    titled = media_playlist([HlsSegment("a.mp3", 1.0, "dòng 1\ndòng 2")])
    assert "#EXTINF:1.000,dòng 1 dòng 2" in titled
