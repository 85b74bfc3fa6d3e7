"""Helpers shared by test modules (test modules never import each other)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import imageio_ffmpeg


def decoded_duration(data: bytes, tmp_path: Path) -> float:
    """Duration as a real decoder (ffmpeg) sees it, not as our own parser computes it."""
    path = tmp_path / f"{uuid.uuid4().hex}.mp3"
    path.write_bytes(data)
    out = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    stamp = [p for p in out.split() if p.startswith("time=")][-1][5:]
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
