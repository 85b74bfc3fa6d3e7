"""What audio is passed around as: a clip of bare MP3 frames and the format they share.

Engines produce clips; the audio package joins them. This module imports nothing of Loa.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AudioFormat:
    """What an MP3 stream is made of; clips of equal format can be byte-joined."""

    sample_rate: int
    channels: int = 1
    bitrate_kbps: int | None = None  # None: variable / unknown


@dataclass(frozen=True)
class AudioClip:
    """Synthesized speech for one segment: bare MP3 frames (no ID3, no Xing/Info frame)."""

    mp3: bytes
    duration: float  # seconds
    format: AudioFormat
