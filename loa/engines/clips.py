"""An engine's MP3 answer as a clip, reading its frames once (duration, format, bare frames)."""

from __future__ import annotations

from loa.audio import mp3
from loa.audio.clip import AudioClip, AudioFormat


def bare_clip(data: bytes) -> AudioClip | None:
    """The audio frames of ``data`` (tags and Xing/Info frames dropped) as a clip, or None when
    it holds no audio frame. One pass over the frames (this runs once per segment)."""
    frames = mp3.audio_frames(data)
    if not frames:
        return None
    first = frames[0].header
    same_rate = all(f.header.bitrate_kbps == first.bitrate_kbps for f in frames)
    fmt = AudioFormat(
        sample_rate=first.sample_rate,
        channels=first.channels,
        bitrate_kbps=first.bitrate_kbps if same_rate else None,
    )
    whole = frames[0].offset == 0 and frames[-1].end == len(data) and _contiguous(frames)
    body = data if whole else b"".join(data[f.offset : f.end] for f in frames)
    return AudioClip(mp3=body, duration=len(frames) * first.samples / first.sample_rate, format=fmt)


def _contiguous(frames: list[mp3.Frame]) -> bool:
    return all(a.end == b.offset for a, b in zip(frames, frames[1:], strict=False))
