"""The one interface every TTS engine implements.

An engine turns already-normalized, already-segmented Vietnamese text into MP3 audio. It never
normalizes text itself. Failures map to ``EngineUnavailable`` (transient: retry or fall back) and
``EngineRejected`` (permanent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


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


@runtime_checkable
class Engine(Protocol):
    name: str
    voices: tuple[str, ...]
    default_voice: str
    max_chars: int  # longest text one request may carry
    region_of_voice: dict[str, str]  # voice -> "north" | "south" (reading conventions)

    def synthesize(self, text: str, voice: str) -> AudioClip: ...

    def available(self) -> bool:
        """Cheap check that the engine can work now (a fast probe, seconds at most)."""
        ...
