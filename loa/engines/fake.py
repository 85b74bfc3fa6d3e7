"""A deterministic engine for tests and demos: a tone as long as the text, as real MP3.

Same text and voice -> same bytes. The clip lasts about ``ms_per_char`` a character (plus LAME's
delay/padding, whole frames), is encoded by the same encoder as espeak, and follows the same
contract (bare frames, frame-counted duration, EngineRejected for unknown voices or empty text).
"""

from __future__ import annotations

import array
import collections
import functools
import logging
import math
import zlib

from loa.audio.clip import AudioClip
from loa.audio.encode import encode_clip
from loa.errors import EngineRejected

log = logging.getLogger(__name__)

VOICES = {"vi": "north", "vi-vn-x-central": "north", "vi-vn-x-south": "south"}
AMPLITUDE = 6000


def tone_pcm(text: str, voice: str, sample_rate: int, ms_per_char: float) -> bytes:
    """16-bit mono PCM: one short tone a character (silence for spaces), pitch from the
    character and the voice."""
    per_char = max(1, round(sample_rate * ms_per_char / 1000))
    base = 180 + zlib.crc32(voice.encode()) % 80
    return b"".join(
        bytes(per_char * 2)
        if char.isspace()
        else _tone(base + (ord(char) % 24) * 10, per_char, sample_rate)
        for char in text
    )


@functools.lru_cache(maxsize=1024)
def _tone(freq: int, samples: int, sample_rate: int) -> bytes:
    step = 2 * math.pi * freq / sample_rate
    return array.array("h", (int(AMPLITUDE * math.sin(step * i)) for i in range(samples))).tobytes()


class FakeEngine:
    """Tones instead of speech; in-process, instant, always available."""

    name = "fake"
    voices: tuple[str, ...] = tuple(VOICES)
    default_voice = "vi"
    max_chars = 400
    region_of_voice: dict[str, str] = dict(VOICES)

    def __init__(
        self, sample_rate: int = 22050, bitrate_kbps: int = 48, ms_per_char: float = 60.0
    ) -> None:
        self.sample_rate = sample_rate
        self.bitrate_kbps = bitrate_kbps
        self.ms_per_char = ms_per_char
        # (text, voice) of recent synthesize calls, for tests
        self.calls: collections.deque[tuple[str, str]] = collections.deque(maxlen=1000)

    def synthesize(self, text: str, voice: str) -> AudioClip:
        """A tone of ~``ms_per_char`` a character of ``text``."""
        if voice not in VOICES:
            raise EngineRejected(f"unknown voice {voice!r}; known: {', '.join(VOICES)}")
        if not text.strip():
            raise EngineRejected("no text to speak")
        self.calls.append((text, voice))
        pcm = tone_pcm(text, voice, self.sample_rate, self.ms_per_char)
        return encode_clip(pcm, self.sample_rate, self.bitrate_kbps)

    def available(self) -> bool:
        return True
