"""MP3 encoding with lameenc (LAME in a wheel), and digital silence in any clip format.

Every clip Loa produces offline is mono CBR MP3 made of bare frames: no ID3 tag and no Xing/Info
frame (LAME through lameenc writes neither). CBR keeps every clip of one engine in one
``AudioFormat``, so clips and pauses join by bytes.
"""

from __future__ import annotations

import functools
import logging

import lameenc

from loa.audio import mp3
from loa.audio.clip import AudioClip, AudioFormat

log = logging.getLogger(__name__)

# LAME's quality knob: 2 is best and 3x slower, 7 fastest; 3 costs ~1.3 ms per second of speech.
LAME_QUALITY = 3


def encode_pcm(
    pcm: bytes,
    sample_rate: int,
    bitrate_kbps: int,
    *,
    out_sample_rate: int | None = None,
) -> bytes:
    """Encode 16-bit little-endian mono PCM to CBR MP3 frames.

    ``out_sample_rate`` defaults to ``sample_rate`` (LAME would otherwise pick its own rate for
    low bitrates, e.g. 24 kHz input at 32 kbps comes out at 22.05 kHz). Raises ValueError for a
    bitrate the output's MPEG version cannot carry (LAME would silently round it).
    """
    out_rate = out_sample_rate or sample_rate
    if bitrate_kbps not in mp3.bitrates_for(mp3.version_for_rate(out_rate)):
        raise ValueError(f"{bitrate_kbps} kbps is not a valid MP3 bitrate at {out_rate} Hz")
    if len(pcm) % 2:
        raise ValueError("16-bit PCM must have an even number of bytes")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(out_rate)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    encoder.silence()
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


def encode_clip(
    pcm: bytes,
    sample_rate: int,
    bitrate_kbps: int,
    *,
    out_sample_rate: int | None = None,
) -> AudioClip:
    """``encode_pcm`` wrapped in an ``AudioClip`` whose duration is counted in frames.

    The duration includes LAME's encoder delay and end padding (about 50-75 ms), because a
    decoder plays those samples once clips are joined by bytes.
    """
    out_rate = out_sample_rate or sample_rate
    data = encode_pcm(pcm, sample_rate, bitrate_kbps, out_sample_rate=out_rate)
    frames = mp3.audio_frames(data)
    samples = frames[0].header.samples if frames else 0
    return AudioClip(
        mp3=data,
        duration=len(frames) * samples / out_rate,
        format=AudioFormat(sample_rate=out_rate, channels=1, bitrate_kbps=bitrate_kbps),
    )


def frame_seconds(fmt: AudioFormat) -> float:
    """Duration of one MP3 frame in ``fmt``."""
    return mp3.samples_per_frame(fmt.sample_rate) / fmt.sample_rate


def silence(seconds: float, fmt: AudioFormat) -> AudioClip:
    """Digital silence in ``fmt``, rounded to whole frames (at most half a frame off).

    The frames are built directly, not encoded: a Layer III frame with zeroed side information
    and no main data decodes to exact zeros in every decoder, needs no bit reservoir and adds no
    encoder delay, so ``n`` frames are exactly ``n`` frames long. For a VBR format
    (``bitrate_kbps`` None) the smallest bitrate is used.
    """
    frames = max(0, round(seconds / frame_seconds(fmt)))
    return AudioClip(
        mp3=_silent_frames(fmt, frames),
        duration=frames * frame_seconds(fmt),
        format=fmt,
    )


@functools.lru_cache(maxsize=256)
def _silent_frames(fmt: AudioFormat, count: int) -> bytes:
    """``count`` silent frames; padded frames are spread so CBR keeps its exact bitrate."""
    version = mp3.version_for_rate(fmt.sample_rate)
    kbps = fmt.bitrate_kbps or mp3.bitrates_for(version)[0]
    coefficient = 144 if version == 1 else 72
    numerator = coefficient * kbps * 1000  # frame size in bytes = numerator / sample_rate
    plain = mp3.build_header(version, kbps, fmt.sample_rate, fmt.channels, padding=False)
    padded = mp3.build_header(version, kbps, fmt.sample_rate, fmt.channels, padding=True)
    base = numerator // fmt.sample_rate
    out = bytearray()
    remainder = 0
    for _ in range(count):
        remainder += numerator % fmt.sample_rate
        if remainder >= fmt.sample_rate:
            remainder -= fmt.sample_rate
            out += padded + bytes(base + 1 - 4)
        else:
            out += plain + bytes(base - 4)
    return bytes(out)
