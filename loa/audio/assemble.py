"""Join synthesized clips and pauses into one MP3, by bytes, without re-encoding.

An article is always synthesized by one engine, so all its clips share one ``AudioFormat`` and
pauses are built in that same format. Clips with another sample rate or channel count raise
ValueError (Loa has no decoder to re-encode with); differing bitrates join fine (the result is
then VBR, with a Xing instead of an Info frame).

The joined stream starts with one Xing/Info frame describing the whole file (frame and byte
counts, linear seek table), so players show the exact length. Each clip is re-parsed, so a
segment's own ID3 tag or header frame never reaches the middle of the file.

Timing is counted in frames throughout: a clip lasts ``frames * samples_per_frame / rate``,
encoder delay and padding included, which is what a decoder plays from byte-joined clips. The
assembled duration, the offsets and the decoded length therefore agree to the sample.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from loa.audio import mp3
from loa.audio.clip import AudioClip, AudioFormat
from loa.audio.encode import silence

log = logging.getLogger(__name__)


@dataclass
class AssembledAudio:
    """A whole article's MP3 (untagged) and where each clip sits in it."""

    mp3: bytes
    duration: float  # seconds, as decoded
    offsets: list[tuple[float, float]] = field(default_factory=list)  # (start, duration) a clip
    format: AudioFormat | None = None


def _common_format(clips: Sequence[AudioClip]) -> AudioFormat:
    """The joined stream's format; ValueError when clips cannot be byte-joined.

    Frames of one sample rate and channel count join whatever their bitrates (that is what a
    VBR stream is); the result's bitrate is None when clips differ in bitrate.
    """
    formats = {c.format for c in clips}
    shapes = {(f.sample_rate, f.channels) for f in formats}
    if len(shapes) != 1:
        raise ValueError(
            "clips of one article must come from one engine (one sample rate and channel "
            "count); got " + ", ".join(sorted(map(str, formats)))
        )
    first = clips[0].format
    if len(formats) == 1:
        return first
    return AudioFormat(sample_rate=first.sample_rate, channels=first.channels, bitrate_kbps=None)


def assemble(clips: Sequence[AudioClip], pauses_after: Sequence[float]) -> AssembledAudio:
    """Join ``clips`` with ``pauses_after[i]`` seconds of silence after clip ``i``.

    Pauses are rounded to whole frames (within half a frame, ~13 ms at 22.05 kHz). Returns
    the MP3 bytes (Info frame + audio frames, no tags), the decoded duration and each clip's
    (start, duration) in seconds.
    """
    if not clips:
        raise ValueError("nothing to assemble")
    if len(pauses_after) != len(clips):
        raise ValueError(f"{len(clips)} clips but {len(pauses_after)} pauses")
    fmt = _common_format(clips)

    spf = mp3.samples_per_frame(fmt.sample_rate)
    parts: list[bytes] = []
    offsets: list[tuple[float, float]] = []
    frame_count = 0
    for clip, pause in zip(clips, pauses_after, strict=True):
        frames = mp3.audio_frames(clip.mp3)
        duration = len(frames) * spf / fmt.sample_rate
        if abs(duration - clip.duration) > 1e-6:
            log.warning("clip claims %.3f s but holds %.3f s of frames", clip.duration, duration)
        offsets.append((frame_count * spf / fmt.sample_rate, duration))
        parts.extend(clip.mp3[f.offset : f.end] for f in frames)
        frame_count += len(frames)
        if pause > 0:
            gap = silence(pause, fmt)
            parts.append(gap.mp3)
            frame_count += round(gap.duration * fmt.sample_rate / spf)

    audio = b"".join(parts)
    total = frame_count * spf / fmt.sample_rate
    header = mp3.info_frame(fmt, frame_count, len(audio))
    log.debug("assembled %d clips: %d frames, %.3f s", len(clips), frame_count, total)
    return AssembledAudio(mp3=header + audio, duration=total, offsets=offsets, format=fmt)
