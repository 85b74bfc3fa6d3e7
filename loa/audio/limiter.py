"""A look-ahead peak limiter for PCM, applied before the (only) MP3 encoding.

Why: broadcast loudness (-16 LUFS) with a true peak of at most -1 dBTP needs a
peak-to-loudness ratio (PLR) of at most 15 dB. espeak-ng speaks at about -20 LUFS with peaks
near 0 dBFS (PLR ~20 dB), so gain alone (``loa.audio.gain``) must stop ~5 LU short of the
target. Limiting the few loud peaks of the PCM, before LAME encodes it, brings the PLR down at no
re-encoding cost; the article-level gain then does the rest in 1.5 dB steps.

The gain curve is the per-sample gain that keeps ``|x|`` under the ceiling, spread by a minimum
filter over the look-ahead window on both sides and then smoothed by a moving average half as
wide: the smoothed gain at a peak is never above the gain that peak needs, so no sample exceeds
the ceiling, and the gain moves over milliseconds instead of jumping (no clicks).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from loa.audio.loudness import integrated_loudness, pcm16_to_float

# espeak's voiced speech is a train of sharp glottal pulses: a slow limiter (tens of ms) turns
# the whole syllable down and barely lowers the PLR; a fast one acts on the pulses themselves.
LOOKAHEAD_S = 0.001  # how early the gain starts to fall before a peak
RELEASE_S = 0.005  # how long it stays down after one (on top of the look-ahead)
DEFAULT_MAX_PLR_DB = 12.0  # leaves room for the 1.5 dB gain steps and MP3 overshoot
# LAME at 48 kbps rebuilds limited glottal pulses up to ~3 dB higher (measured on espeak:
# limited PCM at PLR 11-12 dB comes out of the encoder at 14-15 dB)
MP3_OVERSHOOT_DB = 3.0
# Joined with pauses, segments finished to L read 0.64-0.82 LU lower as one article (six corpus
# articles). Aiming segments that much higher centres the article on the target, but on some
# articles it lifted the joined true peak by ~2 dB (-2.8 to -0.5 dBTP for +0.35 LU), and the
# 1.5 dB step that then has to come off leaves them 1.9 LU under. Until that is understood,
# segments aim at the target itself: articles land 0.6-0.8 LU under it, inside the 1 LU.
JOIN_LOSS_LU = 0.0


def limit(samples: npt.NDArray[np.floating], rate: int, ceiling: float) -> npt.NDArray[np.float64]:
    """``samples`` (1-D) with every sample's magnitude at most ``ceiling`` (linear, 0-1]."""
    x = np.asarray(samples, dtype=np.float64)
    magnitude = np.abs(x)
    if magnitude.size == 0 or float(magnitude.max()) <= ceiling:
        return x.copy()
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    ahead = max(1, round(LOOKAHEAD_S * rate))
    hold = ahead + max(1, round(RELEASE_S * rate))
    # spread each dip `hold` samples either way, then average over a window narrower than the
    # spread: the average at a peak is then at most that peak's own need
    # imported on first use: scipy takes seconds to import, and the API process rarely limits
    from scipy import ndimage  # type: ignore[import-untyped]  # scipy-stubs is not a dependency

    spread = ndimage.minimum_filter1d(needed, size=2 * hold + 1, mode="nearest")
    gain: npt.NDArray[np.float64] = ndimage.uniform_filter1d(spread, size=ahead + 1, mode="nearest")
    return np.clip(x * gain, -ceiling, ceiling)  # the clip only absorbs rounding


def limit_plr(
    samples: npt.NDArray[np.floating], rate: int, max_plr_db: float = DEFAULT_MAX_PLR_DB
) -> npt.NDArray[np.float64]:
    """Limit 1-D ``samples`` so their sample peak stands at most ``max_plr_db`` above their
    integrated loudness (unchanged when it already does, or for audio too short to measure)."""
    x = np.asarray(samples, dtype=np.float64)
    out = x
    for _ in range(2):  # limiting lowers the loudness a little; follow it once
        loudness = integrated_loudness(out, rate)
        peak = float(np.max(np.abs(out))) if out.size else 0.0  # sample peak: cheap
        if not math.isfinite(loudness) or peak == 0.0:
            return out
        if 20 * math.log10(peak) <= loudness + max_plr_db + 0.1:
            return out
        out = limit(x, rate, 10 ** ((loudness + max_plr_db) / 20))
    return out


def limit_pcm16(pcm: bytes, rate: int, max_plr_db: float = DEFAULT_MAX_PLR_DB) -> bytes:
    """``limit_plr`` for 16-bit little-endian mono PCM (what espeak-ng produces)."""
    samples = pcm16_to_float(pcm)[:, 0]
    limited = limit_plr(samples, rate, max_plr_db)
    ints = np.clip(np.round(limited * 32768.0), -32768, 32767).astype("<i2")
    return ints.tobytes()


def finish_pcm16(
    pcm: bytes,
    rate: int,
    target_lufs: float,
    max_true_peak_dbtp: float,
    overshoot_db: float = MP3_OVERSHOOT_DB,
    join_loss_lu: float = JOIN_LOSS_LU,
) -> bytes:
    """One segment's 16-bit mono PCM brought to ``target_lufs`` with fine (not 1.5 dB) gain,
    its peaks limited ``overshoot_db`` under ``max_true_peak_dbtp`` so that the MP3 made from
    it stays under the ceiling. Every segment of an article then plays at one loudness and
    the joined article needs no further gain (segments aim ``join_loss_lu`` above the target,
    what joining them with pauses costs). Too short or silent audio is returned as is.
    """
    target_lufs += join_loss_lu
    original = pcm16_to_float(pcm)[:, 0].astype(np.float64)
    ceiling = 10 ** ((max_true_peak_dbtp - overshoot_db) / 20)
    loudness = integrated_loudness(original, rate)
    if not math.isfinite(loudness):
        return pcm
    gain_db = target_lufs - loudness
    x = original
    for _ in range(4):  # limiting costs loudness: raise the pre-gain by what was lost
        x = limit(original * 10 ** (gain_db / 20), rate, ceiling)
        loudness = integrated_loudness(x, rate)
        if abs(loudness - target_lufs) < 0.1:
            break
        gain_db += (target_lufs - loudness) * 1.5  # limiting eats part of each raise
    ints = np.clip(np.round(x * 32768.0), -32768, 32767).astype("<i2")
    return ints.tobytes()
