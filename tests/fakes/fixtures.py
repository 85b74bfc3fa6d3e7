"""Test helpers: a fake Google TTS endpoint (for conftest fixtures), closed ports, ffmpeg."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.fakes.google_tts import FakeGoogleTTS


@contextlib.contextmanager
def running_google_tts(mode: str = "ok", delay: float = 5.0) -> Iterator[str]:
    """A fake Google TTS endpoint on 127.0.0.1; yields its base URL (for ``LOA_GTTS_URL``).

    ``mode`` is one of ``tests.fakes.google_tts.MODES`` ("ok", "500", "429", "hang", ...).
    Use ``FakeGoogleTTS`` directly to change the mode while running or to see the requests.
    """
    with FakeGoogleTTS(mode=mode, delay=delay) as server:
        yield server.url


def closed_port_url() -> str:
    """``http://127.0.0.1:<port>`` where nothing listens: connections are refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def ffmpeg_decode(data: bytes, tmp_dir: Path) -> tuple[bytes, str]:
    """Decode MP3 ``data`` with the ffmpeg binary of imageio-ffmpeg, an independent decoder.

    Returns (16-bit mono PCM at the stream's rate, ffmpeg's log, which holds the container's
    "Duration:" as read from the Xing/Info frame). The data goes through a file, as a player
    would read it.
    """
    import imageio_ffmpeg

    path = tmp_dir / f"decode-{len(data)}-{hash(data) & 0xFFFFFF:x}.mp3"
    path.write_bytes(data)
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
        + ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "pipe:1"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout, result.stderr.decode("utf-8", "replace")


def ffmpeg_header_duration(log_text: str) -> float:
    """The "Duration: HH:MM:SS.ss" ffmpeg printed for the input (centisecond precision)."""
    match = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", log_text)
    if match is None:
        raise AssertionError(f"no Duration in ffmpeg output:\n{log_text}")
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
