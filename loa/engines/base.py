"""The one interface every TTS engine implements.

An engine turns already-normalized, already-segmented Vietnamese text into MP3 audio. It never
normalizes text itself. Failures map to ``EngineUnavailable`` (transient: retry or fall back) and
``EngineRejected`` (permanent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from loa.audio.clip import AudioClip


@dataclass(frozen=True)
class WordTiming:
    """One spoken word of a clip: its text and when it is said, in seconds from the clip's start."""

    text: str
    start: float
    duration: float


@dataclass(frozen=True)
class TimedClip(AudioClip):
    """A clip whose engine also said when each word is spoken (edge-tts word boundaries)."""

    words: tuple[WordTiming, ...] = ()


def words_of(clip: AudioClip) -> tuple[WordTiming, ...]:
    return clip.words if isinstance(clip, TimedClip) else ()


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
