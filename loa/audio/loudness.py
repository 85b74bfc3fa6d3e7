"""Integrated loudness (ITU-R BS.1770-4 / EBU R128) and true peak of an MP3 or of PCM.

Decoding uses miniaudio (dr_mp3 in a wheel); the rest is numpy and scipy.signal.

* Integrated loudness: the K-weighting filter (a high shelf and a high pass) as BS.1770 defines
  it, its coefficients derived for any sample rate from the analog prototype (they equal the
  standard's 48 kHz table to 1e-12); mean squares over 400 ms blocks every 100 ms (from a
  cumulative sum); the absolute gate at -70 LUFS and the relative gate 10 LU under the gated
  mean. pyloudnorm computes the same (tests check that both agree within 0.1 LU, and with
  ffmpeg's ebur128); doing it here is a few lines on scipy, which the true peak and the limiter
  need anyway, and one dependency fewer at run time.
* True peak (BS.1770-4 Annex 2): the signal is interpolated and the largest magnitude taken.
  Like ffmpeg's ebur128, Loa interpolates to at least 192 kHz (x9 at 22,050 Hz, x8 at 24,000
  Hz): x4, BS.1770's figure for 48 kHz, under-reads inter-sample peaks at speech's low rates.
  Interpolation (a Kaiser-windowed sinc, 32 taps a phase) is only computed next to samples
  within 6 dB of the sample peak: an inter-sample peak of band-limited audio stands far less
  than 6 dB above its neighbouring samples (3 dB for a sine at a quarter of the rate, sampled
  45 degrees off its crests), so in practice no farther sample can hold the maximum.

Mono is measured as one channel (weight 1.0), as ffmpeg's ebur128 does without ``dualmono``.
"""

from __future__ import annotations

import functools
import importlib
import math
from dataclasses import dataclass
from typing import Any

import miniaudio  # type: ignore[import-untyped]  # miniaudio ships no type information
import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

TRUE_PEAK_RATE = 192_000  # interpolate to at least this rate (Hz)
TAPS_PER_PHASE = 32  # interpolation kernel length, in input samples
KAISER_BETA = 8.0
CANDIDATE_RANGE_DB = 6.0  # samples this far under the sample peak can neighbour the true peak
_BATCH = 65_536  # candidate samples interpolated at a time (bounds memory)
BLOCK_S, STEP_S = 0.4, 0.1  # gating blocks: 400 ms, 75 % overlap
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
_SILENCE = -math.inf


def preload_scipy() -> None:
    """Import scipy's filters now: a worker does so before forking its children, which then
    share the loaded modules instead of each paying the import on its first measurement."""
    for name in ("scipy.signal", "scipy.ndimage"):
        importlib.import_module(name)


def _sosfilt(sos: npt.NDArray[np.float64], samples: npt.NDArray[np.floating]) -> Any:
    """scipy.signal.sosfilt, imported on first use: scipy takes seconds to import, and the API
    process (which imports this module through the engines) rarely measures anything."""
    from scipy import signal  # type: ignore[import-untyped]  # scipy-stubs is not a dependency

    return signal.sosfilt(sos, samples)


@dataclass(frozen=True)
class Loudness:
    """What a loudness meter says about one programme."""

    integrated_lufs: float  # -inf for silence (or audio shorter than one 400 ms block)
    true_peak_dbtp: float  # -inf for digital silence
    duration: float  # seconds

    @property
    def peak_to_loudness(self) -> float:
        """PLR in dB: how far the true peak stands above the integrated loudness."""
        return self.true_peak_dbtp - self.integrated_lufs


def decode_mp3(data: bytes) -> tuple[Samples, int]:
    """Decode MP3 ``data`` to float samples of shape (frames, channels) and the sample rate.

    Raises ValueError when nothing decodes.
    """
    try:
        decoded = miniaudio.mp3_read_f32(data)
    except miniaudio.DecodeError as exc:
        raise ValueError(f"MP3 does not decode: {exc}") from exc
    samples = np.frombuffer(decoded.samples, dtype=np.float32).copy()
    if samples.size == 0:
        raise ValueError("MP3 decodes to no samples")
    return samples.reshape(-1, decoded.nchannels), decoded.sample_rate


def pcm16_to_float(pcm: bytes, channels: int = 1) -> Samples:
    """16-bit little-endian PCM to float samples in [-1, 1), shape (frames, channels)."""
    ints = np.frombuffer(pcm, dtype="<i2")
    return (ints.astype(np.float32) / 32768.0).reshape(-1, channels)


def _as_2d(samples: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    array = np.asarray(samples, dtype=np.float64)
    return array.reshape(-1, 1) if array.ndim == 1 else array


@functools.lru_cache(maxsize=16)
def k_weighting(
    rate: int,
) -> tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]]:
    """(b, a) of BS.1770's two K-weighting stages at ``rate``: high shelf, then high pass."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
        [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0],
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_pass = ([1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return shelf, high_pass


def _block_energies(array: npt.NDArray[np.float64], rate: int) -> npt.NDArray[np.float64]:
    """Channel-summed mean square of the K-weighted signal in each gating block."""
    block, step = round(BLOCK_S * rate), round(STEP_S * rate)
    count = (array.shape[0] - block) // step + 1
    if count < 1:
        return np.zeros(0)
    total = np.zeros(count)
    starts = np.arange(count) * step
    sos = np.array([[*b, *a] for b, a in k_weighting(rate)])
    for channel in range(array.shape[1]):
        weighted = _sosfilt(sos, array[:, channel])
        cumulative = np.concatenate(([0.0], np.cumsum(np.square(weighted))))
        total += (cumulative[starts + block] - cumulative[starts]) / block
    return total


def _lufs(energy: float) -> float:
    return -0.691 + 10 * math.log10(energy) if energy > 0 else _SILENCE


def integrated_loudness(samples: npt.NDArray[np.floating], rate: int) -> float:
    """Gated integrated loudness in LUFS (-inf when no block passes the gates)."""
    energies = _block_energies(_as_2d(samples), rate)
    if energies.size == 0:
        return _SILENCE
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(energies)
    gated = energies[loudness >= ABSOLUTE_GATE_LUFS]
    if gated.size == 0:
        return _SILENCE
    relative = _lufs(float(gated.mean())) + RELATIVE_GATE_LU
    kept = energies[loudness >= max(relative, ABSOLUTE_GATE_LUFS)]
    return _lufs(float(kept.mean())) if kept.size else _SILENCE


def oversampling_factor(rate: int) -> int:
    """How many times ``rate`` is interpolated for the true peak (at least 4, >= 192 kHz)."""
    return max(4, math.ceil(TRUE_PEAK_RATE / rate))


@functools.lru_cache(maxsize=16)
def _kernel(factor: int) -> npt.NDArray[np.float64]:
    """Rows: the interpolation weights for t = n + p / factor over samples n-15 .. n+16."""
    half = TAPS_PER_PHASE // 2
    offsets = np.arange(-half + 1, half + 1)  # sample index minus n
    phases = np.arange(factor)[:, None] / factor
    distance = phases - offsets[None, :]  # t - m, in samples
    window = np.kaiser(2 * half * factor + 1, KAISER_BETA)
    index = np.round(distance * factor).astype(int) + half * factor
    weights = np.sinc(distance) * window[np.clip(index, 0, window.size - 1)]
    return np.asarray(weights / weights.sum(axis=1, keepdims=True), dtype=np.float64)


def interpolated_peaks(
    channel: npt.NDArray[np.float64], rate: int, indices: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]:
    """For each sample index n, the largest interpolated magnitude on [n, n + 1)."""
    factor = oversampling_factor(rate)
    # in float32: the decoder's own precision, and half the memory traffic of float64 (the
    # peak moves by ~1e-9 of full scale)
    kernel = _kernel(factor).astype(np.float32)
    half = TAPS_PER_PHASE // 2
    zeros = np.zeros(half, dtype=np.float32)
    padded = np.concatenate((zeros, channel.astype(np.float32), zeros))
    # row n: samples n-15 .. n+16 of the channel (a view; rows are gathered per batch)
    rows = np.lib.stride_tricks.sliding_window_view(padded, TAPS_PER_PHASE)[1:]
    out = np.empty(indices.size)
    for first in range(0, indices.size, _BATCH):
        batch = indices[first : first + _BATCH]
        windows = rows[batch]
        out[first : first + batch.size] = np.max(np.abs(windows @ kernel.T), axis=1)
    return out


def near_peak_indices(
    channel: npt.NDArray[np.float64], level: float, range_db: float = CANDIDATE_RANGE_DB
) -> npt.NDArray[np.intp]:
    """Indices n whose interval [n, n + 1) may rise above ``level``: a neighbour sample lies
    within ``range_db`` of it."""
    loud = np.abs(channel) >= level * 10 ** (-range_db / 20)
    near = loud.copy()
    near[:-1] |= loud[1:]  # n whose right neighbour n + 1 is loud
    return np.asarray(np.flatnonzero(near), dtype=np.intp)


def _interpolated_peak(channel: npt.NDArray[np.float64], rate: int) -> float:
    sample_peak = float(np.max(np.abs(channel)))
    if sample_peak == 0.0:
        return 0.0
    peaks = interpolated_peaks(channel, rate, near_peak_indices(channel, sample_peak))
    return max(sample_peak, float(peaks.max()) if peaks.size else 0.0)


def true_peak(samples: npt.NDArray[np.floating], rate: int) -> float:
    """True peak in dBTP (-inf for digital silence)."""
    array = _as_2d(samples)
    best = max(
        _interpolated_peak(np.ascontiguousarray(array[:, c]), rate) for c in range(array.shape[1])
    )
    return 20 * math.log10(best) if best > 0 else _SILENCE


def measure(samples: npt.NDArray[np.floating], rate: int) -> Loudness:
    """Integrated loudness and true peak of float samples ((frames,) or (frames, channels))."""
    array = _as_2d(samples)
    return Loudness(
        integrated_lufs=integrated_loudness(array, rate),
        true_peak_dbtp=true_peak(array, rate),
        duration=array.shape[0] / rate,
    )


def measure_pcm(pcm: bytes, rate: int, channels: int = 1) -> Loudness:
    """``measure`` for 16-bit little-endian PCM."""
    return measure(pcm16_to_float(pcm, channels), rate)


def measure_mp3(data: bytes) -> Loudness:
    """``measure`` for MP3 bytes (tags and header frames are skipped by the decoder)."""
    samples, rate = decode_mp3(data)
    return measure(samples, rate)


# --- per-segment measurement, combined for the article -------------------------------------
# An article is joined from clips and digital silence, so its loudness follows from each
# clip's K-weighted energy in 100 ms sub-blocks (a gating block is four of them) laid on the
# article's timeline: measured once when a clip is made, stored beside the cached clip, and
# combined without decoding the joined MP3 (which costs time, and memory on long articles).


@dataclass(frozen=True)
class SegmentLoudness:
    """One clip's K-weighted mean square per 100 ms sub-block, and its true peak."""

    sub_blocks: tuple[float, ...]
    true_peak_dbtp: float  # -inf for digital silence
    duration: float  # seconds

    def to_json(self) -> dict[str, object]:
        peak = self.true_peak_dbtp if math.isfinite(self.true_peak_dbtp) else None
        return {
            "sub_blocks": [float(f"{e:.6g}") for e in self.sub_blocks],
            "true_peak_dbtp": peak,
            "duration": self.duration,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SegmentLoudness:
        blocks = data["sub_blocks"]
        peak = data.get("true_peak_dbtp")
        duration = data["duration"]
        if not isinstance(blocks, list) or not isinstance(duration, int | float):
            raise ValueError("not a segment loudness record")
        return cls(
            sub_blocks=tuple(float(e) for e in blocks),
            true_peak_dbtp=float(peak) if isinstance(peak, int | float) else _SILENCE,
            duration=float(duration),
        )


def sub_block_energies(samples: npt.NDArray[np.floating], rate: int) -> npt.NDArray[np.float64]:
    """Channel-summed mean square of the K-weighted signal per 100 ms (the last one padded
    with silence)."""
    array = _as_2d(samples)
    step = round(STEP_S * rate)
    count = math.ceil(array.shape[0] / step)
    total = np.zeros(count)
    sos = np.array([[*b, *a] for b, a in k_weighting(rate)])
    for channel in range(array.shape[1]):
        weighted = _sosfilt(sos, array[:, channel])
        squares = np.zeros(count * step)
        squares[: weighted.size] = np.square(weighted)
        total += squares.reshape(count, step).mean(axis=1)
    return total


def measure_segment(data: bytes) -> SegmentLoudness:
    """Sub-block energies and true peak of one clip's MP3."""
    samples, rate = decode_mp3(data)
    return SegmentLoudness(
        sub_blocks=tuple(float(e) for e in sub_block_energies(samples, rate)),
        true_peak_dbtp=true_peak(samples, rate),
        duration=samples.shape[0] / rate,
    )


def gated_loudness(block_energies: npt.NDArray[np.float64]) -> float:
    """BS.1770 gating (absolute, then relative) over gating-block energies; LUFS."""
    if block_energies.size == 0:
        return _SILENCE
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(block_energies)
    gated = block_energies[loudness >= ABSOLUTE_GATE_LUFS]
    if gated.size == 0:
        return _SILENCE
    relative = _lufs(float(gated.mean())) + RELATIVE_GATE_LU
    kept = block_energies[loudness >= max(relative, ABSOLUTE_GATE_LUFS)]
    return _lufs(float(kept.mean())) if kept.size else _SILENCE


def combine_segments(placed: list[tuple[float, SegmentLoudness]], duration: float) -> Loudness:
    """The loudness of an article made of clips at (start seconds, their measurement), with
    digital silence elsewhere: sub-blocks on the article's timeline (each clip at the
    nearest 100 ms), gating blocks of four, and the highest clip's true peak."""
    per_block = round(BLOCK_S / STEP_S)
    firsts = [max(0, round(start / STEP_S)) for start, _ in placed]
    length = max(
        [1, math.ceil(duration / STEP_S - 1e-6)]
        + [first + len(s.sub_blocks) for first, (_, s) in zip(firsts, placed, strict=True)]
    )
    timeline = np.zeros(length)
    for first, (_, segment) in zip(firsts, placed, strict=True):
        energies = np.asarray(segment.sub_blocks, dtype=np.float64)
        timeline[first : first + energies.size] += energies
    if timeline.size < per_block:
        blocks = np.zeros(0)
    else:
        cumulative = np.concatenate(([0.0], np.cumsum(timeline)))
        blocks = (cumulative[per_block:] - cumulative[:-per_block]) / per_block
    peaks = [s.true_peak_dbtp for _, s in placed]
    return Loudness(
        integrated_lufs=gated_loudness(blocks),
        true_peak_dbtp=max(peaks, default=_SILENCE),
        duration=duration,
    )
