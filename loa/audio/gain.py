"""Loudness normalization of an MP3 without re-encoding, in 1.5 dB steps (as mp3gain does).

Every Layer III granule carries an 8-bit ``global_gain`` in the frame's side information; the
decoder scales the granule's spectrum by ``2 ** (global_gain / 4)``, so adding 1 to every
granule's field raises the decoded signal by exactly 20 * log10(2 ** 0.25) = 1.505 dB. Only side
information changes: main data, the bit reservoir and frame sizes stay as they are, so the
frames remain valid and the duration is untouched. A frame protected by a CRC gets its CRC
recomputed (CRC-16, polynomial 0x8005, over header bytes 2-3 and the side information).

Granules with no coded spectrum (``part2_3_length`` 0, e.g. Loa's digital-silence frames) decode
to silence whatever their gain, so they are left alone and never limit the change.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass

from loa.audio import mp3
from loa.audio.loudness import Loudness, measure_mp3
from loa.config import Settings, get_settings

log = logging.getLogger(__name__)

STEP_DB = 20 * math.log10(2**0.25)  # 1.505 dB: one unit of global_gain
MAX_GAIN_FIELD = 255
# Bits of one granule/channel block of side information, and where global_gain sits in it.
_BLOCK_BITS_V1 = 59
_BLOCK_BITS_LSF = 63  # MPEG-2/2.5: 9-bit scalefac_compress, no preflag
_GAIN_OFFSET = 21  # after part2_3_length (12) and big_values (9)
_GAIN_BITS = 8


@dataclass(frozen=True)
class GainResult:
    """An MP3 after normalization, with the meter readings before and (exactly) after."""

    mp3: bytes
    steps: int  # global_gain units added to every coded granule (negative: quieter)
    before: Loudness
    after: Loudness  # before, shifted by steps * STEP_DB (the change is exact)

    @property
    def gain_db(self) -> float:
        return self.steps * STEP_DB


def _crc16(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16 as MPEG audio uses it: polynomial 0x8005, initial 0xFFFF, MSB first."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _side_info_start(frame: mp3.Frame) -> int:
    return frame.offset + 4 + (2 if frame.header.crc else 0)


def _gain_bit_positions(header: mp3.FrameHeader) -> Iterator[tuple[int, int]]:
    """(bit offset of part2_3_length, bit offset of global_gain) per granule and channel,
    counted from the start of the side information."""
    if header.version == 1:
        start = 9 + (5 if header.channels == 1 else 3) + 4 * header.channels
        blocks, size = 2 * header.channels, _BLOCK_BITS_V1
    else:
        start = 8 + (1 if header.channels == 1 else 2)
        blocks, size = header.channels, _BLOCK_BITS_LSF
    for block in range(blocks):
        base = start + block * size
        yield base, base + _GAIN_OFFSET


def _read_bits(data: bytes | bytearray, bit: int, count: int) -> int:
    first, last = bit // 8, min(len(data), (bit + count + 7) // 8)
    word = int.from_bytes(data[first:last], "big")
    shift = (last - first) * 8 - (bit % 8) - count
    if shift < 0:
        raise ValueError("bit field runs past the end of the data")
    return (word >> shift) & ((1 << count) - 1)


def _write_bits(data: bytearray, bit: int, count: int, value: int) -> None:
    first, last = bit // 8, min(len(data), (bit + count + 7) // 8)
    shift = (last - first) * 8 - (bit % 8) - count
    if shift < 0:
        raise ValueError("bit field runs past the end of the data")
    word = int.from_bytes(data[first:last], "big")
    mask = ((1 << count) - 1) << shift
    word = (word & ~mask) | ((value << shift) & mask)
    data[first:last] = word.to_bytes(last - first, "big")


def coded_gains(data: bytes) -> list[int]:
    """The global_gain of every granule that carries coded spectrum, in stream order."""
    gains: list[int] = []
    for frame in mp3.audio_frames(data):
        side = _side_info_start(frame) * 8
        for length_bit, gain_bit in _gain_bit_positions(frame.header):
            if _read_bits(data, side + length_bit, 12):
                gains.append(_read_bits(data, side + gain_bit, _GAIN_BITS))
    return gains


def step_range(data: bytes) -> tuple[int, int]:
    """The (lowest, highest) step count that keeps every coded granule's gain in 0..255."""
    gains = coded_gains(data)
    if not gains:
        return 0, 0
    return -min(gains), MAX_GAIN_FIELD - max(gains)


def apply_steps(data: bytes, steps: int) -> bytes:
    """``data`` with ``steps`` added to the global_gain of every coded granule.

    Bytes outside the audio frames (ID3 tags, Xing/Info frame) are kept as they are. Raises
    ValueError when a granule's gain would leave 0..255 (see ``step_range``).
    """
    if steps == 0:
        return data
    out = bytearray(data)
    for frame in mp3.audio_frames(data):
        side = _side_info_start(frame)
        changed = False
        for length_bit, gain_bit in _gain_bit_positions(frame.header):
            if not _read_bits(out, side * 8 + length_bit, 12):
                continue
            gain = _read_bits(out, side * 8 + gain_bit, _GAIN_BITS) + steps
            if not 0 <= gain <= MAX_GAIN_FIELD:
                raise ValueError(f"global_gain {gain} out of range in frame at {frame.offset}")
            _write_bits(out, side * 8 + gain_bit, _GAIN_BITS, gain)
            changed = True
        if changed and frame.header.crc:
            protected = bytes(out[frame.offset + 2 : frame.offset + 4]) + bytes(
                out[side : side + frame.header.side_info_size]
            )
            out[frame.offset + 4 : frame.offset + 6] = _crc16(protected).to_bytes(2, "big")
    return bytes(out)


def choose_steps(
    loudness: Loudness,
    target_lufs: float,
    max_true_peak_dbtp: float,
    allowed: tuple[int, int] = (-MAX_GAIN_FIELD, MAX_GAIN_FIELD),
) -> int:
    """The step count that brings ``loudness`` nearest ``target_lufs`` with the true peak at
    most ``max_true_peak_dbtp`` (the peak wins when both cannot hold), within ``allowed``."""
    if not math.isfinite(loudness.integrated_lufs):
        return 0
    steps = round((target_lufs - loudness.integrated_lufs) / STEP_DB)
    if math.isfinite(loudness.true_peak_dbtp):
        ceiling = math.floor((max_true_peak_dbtp - loudness.true_peak_dbtp) / STEP_DB)
        steps = min(steps, ceiling)
    low, high = allowed
    return max(low, min(high, steps))


def normalize(data: bytes, target_lufs: float, max_true_peak_dbtp: float) -> GainResult:
    """Bring MP3 ``data`` to ``target_lufs`` (within half a step, 0.75 LU) without re-encoding,
    keeping the true peak at most ``max_true_peak_dbtp``.

    When the peak forbids reaching the target (a peak-to-loudness ratio above
    ``max_true_peak_dbtp - target_lufs``), the result stays quieter than the target: limit the
    PCM before encoding (``loa.audio.limiter``) to avoid that.
    """
    return normalize_measured(data, measure_mp3(data), target_lufs, max_true_peak_dbtp)


def normalize_measured(
    data: bytes, before: Loudness, target_lufs: float, max_true_peak_dbtp: float
) -> GainResult:
    """``normalize`` with the loudness already known (``loudness.combine_segments`` gives it
    for an article from its clips' measurements, without decoding the joined MP3)."""
    steps = choose_steps(before, target_lufs, max_true_peak_dbtp, step_range(data))
    shift = steps * STEP_DB
    after = Loudness(
        integrated_lufs=before.integrated_lufs + shift,
        true_peak_dbtp=before.true_peak_dbtp + shift,
        duration=before.duration,
    )
    if abs(after.integrated_lufs - target_lufs) > STEP_DB / 2:
        log.warning(
            "loudness %.1f LUFS misses the %.1f target: true peak %.1f dBTP (PLR %.1f dB)",
            after.integrated_lufs,
            target_lufs,
            after.true_peak_dbtp,
            before.peak_to_loudness,
        )
    return GainResult(mp3=apply_steps(data, steps), steps=steps, before=before, after=after)


def finish_mp3(data: bytes, settings: Settings | None = None) -> GainResult:
    """``normalize`` to the configured ``LOA_LOUDNESS_LUFS`` and ``LOA_TRUE_PEAK_DBTP``."""
    config = settings or get_settings()
    return normalize(data, config.loudness_lufs, config.true_peak_dbtp)
