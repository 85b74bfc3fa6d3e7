"""Offline Vietnamese speech with libespeak-ng, in process, through ctypes.

The library and its data come from the ``espeakng-loader`` wheel (no system package). It is
driven in ``AUDIO_OUTPUT_SYNCHRONOUS`` mode: ``espeak_Synth`` returns once the whole text has
been spoken into our callback, on the calling thread; espeak starts no thread of its own.

libespeak-ng keeps global state (current voice, parameters, callback), so one process-wide
``EspeakLibrary`` owns it: initialized lazily on first use, every call serialized by one lock.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading

import espeakng_loader

from loa.audio.clip import AudioClip
from loa.audio.encode import encode_clip
from loa.audio.limiter import finish_pcm16
from loa.errors import EngineRejected, EngineUnavailable

log = logging.getLogger(__name__)

# speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000  # report errors instead of calling exit()
ESPEAK_CHARS_UTF8 = 1
POS_CHARACTER = 1
EE_OK = 0
PARAM_RATE = 1
PARAM_VOLUME = 2

ESPEAK_SAMPLE_RATE = 22050  # what espeak-ng's voices produce
DEFAULT_RATE_WPM = 165  # espeak's default is 175; a little slower reads news more clearly
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450  # espeak's accepted range

VOICES: dict[str, str] = {  # Loa voice name -> region whose reading conventions it follows
    "vi": "north",
    "vi-vn-x-central": "north",
    "vi-vn-x-south": "south",
}

# int SynthCallback(short *wav, int numsamples, espeak_EVENT *events)
SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class EspeakLibrary:
    """The process's libespeak-ng: lazy initialization, one lock, text -> 16-bit PCM."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lib: ctypes.CDLL | None = None
        self.sample_rate = ESPEAK_SAMPLE_RATE
        self._chunks: list[bytes] = []
        self._callback = SYNTH_CALLBACK(self._collect)  # kept referenced: C holds the pointer

    def _collect(
        self, wav: ctypes._Pointer[ctypes.c_short], numsamples: int, events: int | None
    ) -> int:
        """The synth callback: keep the samples, carry on."""
        if wav and numsamples > 0:
            self._chunks.append(ctypes.string_at(wav, numsamples * 2))
        return 0  # 0: continue synthesis

    def _load(self) -> ctypes.CDLL:
        """Load and initialize the library once (caller holds the lock)."""
        if self._lib is not None:
            return self._lib
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EngineUnavailable(f"libespeak-ng cannot be loaded: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [SYNTH_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        rate = lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), ESPEAK_INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EngineUnavailable(f"espeak_Initialize failed ({rate}) with data {data_path}")
        self.sample_rate = rate
        lib.espeak_SetSynthCallback(self._callback)
        self._lib = lib
        log.info("libespeak-ng initialized: %d Hz, data %s", rate, data_path)
        return lib

    def ensure_loaded(self) -> None:
        """Initialize now (raises EngineUnavailable when the library cannot be used)."""
        with self._lock:
            self._load()

    def synth_pcm(self, text: str, voice: str, rate_wpm: int = DEFAULT_RATE_WPM) -> bytes:
        """Speak ``text`` with espeak voice ``voice``; 16-bit mono PCM at ``sample_rate``.

        Raises EngineRejected for a voice espeak does not know, EngineUnavailable when the
        library fails.
        """
        with self._lock:
            lib = self._load()
            if lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                raise EngineRejected(f"espeak-ng has no voice {voice!r}")
            lib.espeak_SetParameter(PARAM_RATE, rate_wpm, 0)
            lib.espeak_SetParameter(PARAM_VOLUME, 100, 0)
            lib.espeak_SetSynthCallback(self._callback)  # others may have set their own
            encoded = text.encode("utf-8") + b"\0"
            self._chunks = []
            try:
                status = lib.espeak_Synth(
                    encoded, len(encoded), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
                )
                pcm = b"".join(self._chunks)
            finally:
                self._chunks = []
        if status != EE_OK:
            raise EngineUnavailable(f"espeak_Synth failed with status {status}")
        return pcm

    def _after_fork(self) -> None:
        """In a forked child the lock may have been copied while held by another thread."""
        self._lock = threading.Lock()


_library = EspeakLibrary()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_library._after_fork)


def espeak_library() -> EspeakLibrary:
    """The process-wide libespeak-ng wrapper (lowest level: text -> PCM)."""
    return _library


class EspeakEngine:
    """Vietnamese speech from espeak-ng, encoded to CBR MP3 with LAME.

    ``sample_rate`` is the MP3's rate (espeak speaks at 22050 Hz; LAME resamples when another
    rate is configured); ``bitrate_kbps`` its constant bitrate; ``rate_wpm`` the speech rate.
    With ``loudness_lufs`` set, each segment's PCM is finished before LAME encodes it (fine
    gain to that loudness, peaks limited for ``true_peak_dbtp``: ``loa.audio.limiter``).
    ``finishing`` names every one of these parameters for the segment cache key.
    """

    name = "espeak"
    voices: tuple[str, ...] = tuple(VOICES)
    default_voice = "vi"
    max_chars = 400  # no hard limit; shorter segments give progress and early audio
    region_of_voice: dict[str, str] = dict(VOICES)

    def __init__(
        self,
        sample_rate: int = ESPEAK_SAMPLE_RATE,
        bitrate_kbps: int = 48,
        rate_wpm: int = DEFAULT_RATE_WPM,
        loudness_lufs: float | None = None,
        true_peak_dbtp: float = -1.0,
    ) -> None:
        if not MIN_RATE_WPM <= rate_wpm <= MAX_RATE_WPM:
            raise ValueError(f"speech rate {rate_wpm} wpm outside {MIN_RATE_WPM}-{MAX_RATE_WPM}")
        self.sample_rate = sample_rate
        self.bitrate_kbps = bitrate_kbps
        self.rate_wpm = rate_wpm
        self.loudness_lufs = loudness_lufs
        self.true_peak_dbtp = true_peak_dbtp
        # every setting that changes the audio, for the segment cache key
        loudness = "" if loudness_lufs is None else f"L{loudness_lufs:g}TP{true_peak_dbtp:g}"
        self.finishing = f"r{rate_wpm}s{sample_rate}b{bitrate_kbps}{loudness}"
        self._library = espeak_library()

    def synthesize(self, text: str, voice: str) -> AudioClip:
        """Speak ``text`` (normalized, one segment) with ``voice``; bare CBR MP3 frames."""
        if voice not in VOICES:
            raise EngineRejected(f"unknown espeak voice {voice!r}; known: {', '.join(VOICES)}")
        if not text.strip():
            raise EngineRejected("no text to speak")
        pcm = self._library.synth_pcm(text, voice, self.rate_wpm)
        if not pcm:
            raise EngineRejected(f"espeak-ng produced no audio for {len(text)} characters")
        if self.loudness_lufs is not None:
            pcm = finish_pcm16(
                pcm, self._library.sample_rate, self.loudness_lufs, self.true_peak_dbtp
            )
        clip = encode_clip(
            pcm,
            self._library.sample_rate,
            self.bitrate_kbps,
            out_sample_rate=self.sample_rate,
        )
        log.debug("espeak %s: %d chars -> %.2f s", voice, len(text), clip.duration)
        return clip

    def available(self) -> bool:
        """True when the library loads and initializes (done once, then free)."""
        try:
            self._library.ensure_loaded()
        except EngineUnavailable as exc:
            log.warning("espeak unavailable: %s", exc)
            return False
        return True
