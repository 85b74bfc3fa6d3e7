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

``assemble_into`` streams: it takes the clips one at a time (e.g. read back from the segment
cache) and writes their frames to a seekable file, so an article of thousands of segments never
sits in memory; the Info frame is written as a placeholder of its final size first and filled in
at the end. ``assemble`` is the same into memory, for short inputs and tests.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

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


@dataclass
class AssemblyLayout:
    """What ``assemble_into`` wrote: its size and where each clip sits in it."""

    size: int  # bytes: the Info frame and the audio frames
    duration: float  # seconds, as decoded
    offsets: list[tuple[float, float]]  # (start, duration) a clip
    format: AudioFormat


def common_format(formats: Iterable[AudioFormat]) -> AudioFormat:
    """The joined stream's format; ValueError when clips cannot be byte-joined.

    Frames of one sample rate and channel count join whatever their bitrates (that is what a
    VBR stream is); the result's bitrate is None when clips differ in bitrate.
    """
    distinct = set(formats)
    if not distinct:
        raise ValueError("nothing to assemble")
    shapes = {(f.sample_rate, f.channels) for f in distinct}
    if len(shapes) != 1:
        raise ValueError(
            "clips of one article must come from one engine (one sample rate and channel "
            "count); got " + ", ".join(sorted(map(str, distinct)))
        )
    first = next(iter(distinct))
    if len(distinct) == 1:
        return first
    return AudioFormat(sample_rate=first.sample_rate, channels=first.channels, bitrate_kbps=None)


def clip_from_mp3(data: bytes) -> AudioClip:
    """A clip of stored MP3 ``data`` (e.g. a segment cache entry), parsed once: its format
    and frame-counted duration. ValueError when it holds no audio frame."""
    frames = mp3.audio_frames(data)
    if not frames:
        raise ValueError("no MP3 audio frames found")
    first = frames[0].header
    bitrates = {f.header.bitrate_kbps for f in frames}
    fmt = AudioFormat(
        sample_rate=first.sample_rate,
        channels=first.channels,
        bitrate_kbps=first.bitrate_kbps if len(bitrates) == 1 else None,
    )
    return AudioClip(mp3=data, duration=len(frames) * first.samples / first.sample_rate, format=fmt)


def _check_frames(frames: Sequence[mp3.Frame], fmt: AudioFormat) -> None:
    """ValueError unless the frames (one stream, as ``iter_frames`` yields them) fit ``fmt``."""
    if not frames:
        return
    first = frames[0].header
    if (first.sample_rate, first.channels) != (fmt.sample_rate, fmt.channels) or (
        fmt.bitrate_kbps is not None
        and any(f.header.bitrate_kbps != fmt.bitrate_kbps for f in frames)
    ):
        raise ValueError(f"a clip of {first.sample_rate} Hz cannot join a stream in {fmt}")


def _write_frames(out: BinaryIO, data: bytes, frames: Sequence[mp3.Frame]) -> int:
    """Write the frames' bytes, one write per run of adjacent frames; returns the count."""
    view = memoryview(data)
    written = 0
    i = 0
    while i < len(frames):
        start, end = frames[i].offset, frames[i].end
        i += 1
        while i < len(frames) and frames[i].offset == end:
            end = frames[i].end
            i += 1
        written += out.write(view[start:end])
    return written


def assemble_into(
    out: BinaryIO,
    clips: Iterable[AudioClip],
    pauses_after: Sequence[float],
    fmt: AudioFormat,
) -> AssemblyLayout:
    """Write ``clips`` (each followed by ``pauses_after[i]`` seconds of silence) to ``out``.

    ``out`` is seekable and positioned where the Info frame goes (after an ID3 tag, if any);
    ``fmt`` is the format of the whole stream (``common_format`` of the clips' formats), and a
    clip whose frames do not fit it raises ValueError. ``clips`` is consumed one clip at a
    time, each parsed once. Pauses are rounded to whole frames (within half a frame, ~13 ms at
    22.05 kHz). Leaves ``out`` positioned at the end of what it wrote.
    """
    spf = mp3.samples_per_frame(fmt.sample_rate)
    header_at = out.tell()
    placeholder = len(mp3.info_frame(fmt, 0, 0))  # its size depends on the format only
    out.write(bytes(placeholder))
    offsets: list[tuple[float, float]] = []
    frame_count = 0
    audio_bytes = 0
    count = 0
    for clip in clips:
        if count >= len(pauses_after):
            raise ValueError(f"more clips than the {len(pauses_after)} pauses")
        frames = mp3.audio_frames(clip.mp3)
        _check_frames(frames, fmt)
        duration = len(frames) * spf / fmt.sample_rate
        if abs(duration - clip.duration) > 1e-6:
            log.warning("clip claims %.3f s but holds %.3f s of frames", clip.duration, duration)
        offsets.append((frame_count * spf / fmt.sample_rate, duration))
        audio_bytes += _write_frames(out, clip.mp3, frames)
        frame_count += len(frames)
        pause = pauses_after[count]
        if pause > 0:
            gap = silence(pause, fmt)
            audio_bytes += out.write(gap.mp3)
            frame_count += round(gap.duration * fmt.sample_rate / spf)
        count += 1
    if count == 0:
        raise ValueError("nothing to assemble")
    if count != len(pauses_after):
        raise ValueError(f"{count} clips but {len(pauses_after)} pauses")

    header = mp3.info_frame(fmt, frame_count, audio_bytes)
    out.seek(header_at)
    out.write(header)
    out.seek(0, os.SEEK_END)
    total = frame_count * spf / fmt.sample_rate
    log.debug("assembled %d clips: %d frames, %.3f s", count, frame_count, total)
    return AssemblyLayout(len(header) + audio_bytes, total, offsets, fmt)


def assemble(clips: Sequence[AudioClip], pauses_after: Sequence[float]) -> AssembledAudio:
    """Join ``clips`` with ``pauses_after[i]`` seconds of silence after clip ``i``, in memory.

    Returns the MP3 bytes (Info frame + audio frames, no tags), the decoded duration and each
    clip's (start, duration) in seconds. ``assemble_into`` is the streaming form.
    """
    if not clips:
        raise ValueError("nothing to assemble")
    if len(pauses_after) != len(clips):
        raise ValueError(f"{len(clips)} clips but {len(pauses_after)} pauses")
    fmt = common_format(c.format for c in clips)
    buffer = io.BytesIO()
    layout = assemble_into(buffer, clips, pauses_after, fmt)
    return AssembledAudio(buffer.getvalue(), layout.duration, layout.offsets, fmt)
