"""loa.audio.loudness against ffmpeg's ebur128 meter, and on signals with known answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loa.audio.assemble import assemble
from loa.audio.loudness import (
    decode_mp3,
    integrated_loudness,
    k_weighting,
    measure,
    measure_mp3,
    measure_pcm,
    oversampling_factor,
    true_peak,
)
from loa.engines.espeak import EspeakEngine
from tests.fakes.audio import ffmpeg_ebur128
from tests.fakes.google_tts import google_mp3

SENTENCES = (
    "Ngày mười sáu tháng năm, Sở Khoa học và Công nghệ tỉnh Lạng Sơn tổ chức hội thảo.",
    "Hội thảo có sự tham gia của nhiều nhà khoa học đến từ các viện nghiên cứu.",
)


@pytest.fixture(scope="module")
def espeak_article() -> bytes:
    engine = EspeakEngine()
    clips = [engine.synthesize(text, "vi") for text in SENTENCES]
    return assemble(clips, [0.25, 0.6]).mp3


def _sine(freq: float, rate: int, seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def test_a_997_hz_sine_at_minus_20_dbfs_reads_as_bs1770_says() -> None:
    # BS.1770 is calibrated so that a full-scale 997 Hz sine in one channel reads -3.01 LUFS.
    samples = _sine(997, 48000, 5.0, 10 ** (-20 / 20))
    assert integrated_loudness(samples, 48000) == pytest.approx(-23.01, abs=0.1)


def test_true_peak_finds_the_peak_between_samples() -> None:
    # a sine at a quarter of the rate, phased so that every sample lands 45 degrees off the
    # crests: the sample peak is 3 dB under the true one
    rate = 22050
    t = np.arange(rate) / rate
    samples = 0.5 * np.sin(2 * np.pi * (rate / 4) * t + np.pi / 4)
    sample_peak = 20 * math.log10(float(np.max(np.abs(samples))))
    assert sample_peak == pytest.approx(20 * math.log10(0.5) - 3.01, abs=0.05)
    assert true_peak(samples, rate) == pytest.approx(20 * math.log10(0.5), abs=0.2)


def test_oversampling_reaches_192_khz() -> None:
    assert oversampling_factor(48000) == 4
    assert oversampling_factor(24000) == 8
    assert oversampling_factor(22050) == 9


def test_silence_has_no_loudness_and_no_peak() -> None:
    reading = measure(np.zeros(22050 * 2), 22050)
    assert reading.integrated_lufs == -math.inf
    assert reading.true_peak_dbtp == -math.inf
    assert reading.duration == pytest.approx(2.0)


@given(st.floats(min_value=-30, max_value=0))
def test_a_gain_moves_loudness_and_peak_by_the_same_decibels(gain_db: float) -> None:
    base = _sine(440, 16000, 1.0, 0.25) + _sine(1500, 16000, 1.0, 0.1)
    before = measure(base, 16000)
    after = measure(base * 10 ** (gain_db / 20), 16000)
    assert after.integrated_lufs - before.integrated_lufs == pytest.approx(gain_db, abs=0.01)
    assert after.true_peak_dbtp - before.true_peak_dbtp == pytest.approx(gain_db, abs=0.01)


def test_pcm16_and_float_agree() -> None:
    samples = _sine(440, 22050, 1.0, 0.5)
    pcm = np.round(samples * 32767).astype("<i2").tobytes()
    assert measure_pcm(pcm, 22050).integrated_lufs == pytest.approx(
        measure(samples, 22050).integrated_lufs, abs=0.01
    )


@pytest.mark.parametrize("source", ["espeak", "google"])
def test_agrees_with_ffmpeg_ebur128(source: str, espeak_article: bytes, tmp_path: Path) -> None:
    data = espeak_article if source == "espeak" else google_mp3(" ".join(SENTENCES))
    ours = measure_mp3(data)
    ffmpeg = ffmpeg_ebur128(data, tmp_path)
    assert ours.integrated_lufs == pytest.approx(ffmpeg.integrated_lufs, abs=0.2)
    assert ours.true_peak_dbtp == pytest.approx(ffmpeg.true_peak_dbtp, abs=0.3)


def test_agrees_with_pyloudnorm_and_the_48_khz_coefficients(espeak_article: bytes) -> None:
    import pyloudnorm  # type: ignore[import-untyped]  # pyloudnorm ships no type information

    samples, rate = decode_mp3(espeak_article)
    reference = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))
    assert integrated_loudness(samples, rate) == pytest.approx(reference, abs=0.1)
    (b1, a1), (b2, a2) = k_weighting(48000)  # BS.1770-4, table 1 and table 2
    assert b1 == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285])
    assert a1 == pytest.approx([1.0, -1.69065929318241, 0.73248077421585])
    assert b2 == [1.0, -2.0, 1.0]
    assert a2 == pytest.approx([1.0, -1.99004745483398, 0.99007225036621])


def test_decode_skips_tags_and_rejects_garbage() -> None:
    samples, rate = decode_mp3(google_mp3("xin chào các bạn"))  # ID3 tag + Info frame in front
    assert rate == 24000 and samples.shape[1] == 1 and samples.shape[0] > rate // 2
    with pytest.raises(ValueError):
        decode_mp3(b"not an mp3 at all" * 100)
