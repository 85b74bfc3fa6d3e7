"""The raw baseline the benches compare Loa against: espeak-ng + LAME, in one process.

The whole text goes through libespeak-ng in one ``espeak_Synth`` call and the PCM through one
lameenc encoder (same settings as Loa: 22050 Hz mono, 48 kbps CBR, quality 3). No extraction,
normalization, segmentation, pauses, joining, tagging or storage.

Lowest level reused: ``loa.engines.espeak.espeak_library().synth_pcm`` (ctypes only: load +
espeak_Initialize once, espeak_SetVoiceByName, espeak_SetParameter(rate), espeak_Synth with a
callback collecting int16 PCM). It is reused rather than duplicated because libespeak-ng is
process-global: a second ctypes wrapper in the same process would replace the engine's synth
callback. Library initialization (~10 ms) happens before the clock starts.

Run: ``.venv/bin/python -m bench.baseline [article.txt] [voice]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import lameenc

from loa.audio.encode import LAME_QUALITY
from loa.engines.espeak import DEFAULT_RATE_WPM, espeak_library

DEFAULT_ARTICLE = (
    Path(__file__).resolve().parents[2] / "shared/corpus/articles/langson-khcn-2022.txt"
)
BITRATE_KBPS = 48


def raw_espeak_mp3(text: str, voice: str = "vi") -> bytes:
    """``text`` spoken by espeak-ng and encoded by LAME, with nothing else in between."""
    library = espeak_library()
    pcm = library.synth_pcm(text, voice, DEFAULT_RATE_WPM)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(library.sample_rate)
    encoder.set_out_sample_rate(library.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    encoder.silence()
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


def timed_raw_espeak_mp3(text: str, voice: str = "vi") -> tuple[float, bytes]:
    """(wall-clock seconds, MP3) of ``raw_espeak_mp3`` for ``text``, library already loaded."""
    espeak_library().ensure_loaded()
    started = time.perf_counter()
    audio = raw_espeak_mp3(text, voice)
    return time.perf_counter() - started, audio


def raw_espeak_mp3_seconds(text: str, voice: str = "vi") -> float:
    """Wall-clock seconds ``raw_espeak_mp3`` takes for ``text`` (library already loaded)."""
    return timed_raw_espeak_mp3(text, voice)[0]


def main(argv: list[str] | None = None) -> None:
    """Print the baseline for an article (default: the Lạng Sơn corpus article)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_ARTICLE
    voice = args[1] if len(args) > 1 else "vi"
    text = path.read_text(encoding="utf-8")
    seconds, audio = timed_raw_espeak_mp3(text, voice)
    audio_seconds = len(audio) * 8 / (BITRATE_KBPS * 1000)
    print(
        f"{path.name}: {len(text)} chars, voice {voice}: raw espeak+lame {seconds:.3f} s "
        f"for ~{audio_seconds:.1f} s of audio ({audio_seconds / seconds:.0f}x real time)"
    )


if __name__ == "__main__":
    main()
