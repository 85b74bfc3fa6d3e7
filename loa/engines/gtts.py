"""Google Translate's Vietnamese voice through the gTTS library (2.5.4).

gTTS posts each text to ``https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute``
and decodes the base64 MP3 from the ``jQ1olc`` RPC answer. Loa points it at a configurable base
URL (``LOA_GTTS_URL``; tests use a local fake) by subclassing ``gTTS`` and re-targeting the
prepared requests (``_prepare_requests`` is where 2.5.4 builds the URL, from ``tld`` only).

Every request carries a timeout (gTTS waits forever by default), gTTS's pre-processors and
tokenizer are disabled (Loa's text is already normalized and segmented), and audio is written to
memory: a request failing halfway yields nothing, never a partial clip.

Behaviours of gTTS 2.5.4 worth knowing: it sends with ``verify=False`` (no TLS certificate
check) and silences urllib3's InsecureRequestWarning process-wide; it uses the environment's
proxies (``urllib.request.getproxies()``), ignoring ``NO_PROXY``.
"""

from __future__ import annotations

import binascii
import io
import logging
import threading
import time

import requests
from gtts import gTTS, gTTSError

from loa.audio import mp3
from loa.audio.clip import AudioClip
from loa.engines.clips import bare_clip
from loa.errors import EngineRejected, EngineUnavailable, ServiceRefused
from loa.online.errors import Throttled
from loa.online.retry_after import parse_retry_after

log = logging.getLogger(__name__)

BATCHEXECUTE_PATH = "_/TranslateWebserverUi/data/batchexecute"
PROBE_TEXT = "xin chào"
PROBE_TTL = 60.0  # seconds a probe result is trusted
TRANSIENT_STATUS = frozenset({408, 429})  # plus every 5xx


def _one_token(text: str) -> list[str]:
    """gTTS tokenizer that keeps the segment whole."""
    return [text]


class _LoaGTTS(gTTS):  # type: ignore[misc]  # gTTS ships no type hints: mypy sees Any
    """gTTS for Vietnamese, sending to ``base_url`` instead of translate.google.<tld>."""

    def __init__(self, text: str, *, base_url: str, timeout: float) -> None:
        super().__init__(
            text,
            lang="vi",
            lang_check=False,  # "vi" is supported; skips gTTS's language table look-up
            pre_processor_funcs=[],
            tokenizer_func=_one_token,
            timeout=timeout,
        )
        self.url = f"{base_url.rstrip('/')}/{BATCHEXECUTE_PATH}"

    def _prepare_requests(self) -> list[requests.PreparedRequest]:  # gTTS 2.5.4 API
        prepared: list[requests.PreparedRequest] = super()._prepare_requests()
        for request in prepared:
            request.prepare_url(self.url, None)
        return prepared


_CAUSES = (
    ("NameResolution", "name not resolved"),
    ("Name or service not known", "name not resolved"),
    ("Connection refused", "connection refused"),
    ("ConnectTimeout", "connect timed out"),
    ("ReadTimeout", "read timed out"),
    ("timed out", "timed out"),
    ("RemoteDisconnected", "connection closed"),
    ("ChunkedEncodingError", "connection closed midway"),
    ("Connection aborted", "connection closed"),
)


def _short_cause(cause: BaseException | None, exc: Exception) -> str:
    """A few words a person can read in an article's status, instead of urllib3's nesting."""
    if cause is None:
        return str(exc)[:200]
    text = f"{type(cause).__name__}: {cause}"
    for marker, label in _CAUSES:
        if marker in text:
            return label
    return text[:200]


def _map_gtts_error(exc: gTTSError) -> Exception:
    """Transient (no response, 408, 429, 5xx) -> EngineUnavailable; 401/403 (Google refusing
    this client, e.g. its address) -> ServiceRefused; else EngineRejected."""
    response = exc.rsp
    if response is None:
        cause = exc.__context__  # gTTS raises inside ``except RequestException``
        return EngineUnavailable(f"google tts: no response ({_short_cause(cause, exc)})")
    status = response.status_code
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Throttled("google tts: HTTP 429", retry_after)
    if status in TRANSIENT_STATUS or status >= 500:
        return EngineUnavailable(f"google tts: HTTP {status}")
    if status in (401, 403):
        return ServiceRefused(f"google tts: HTTP {status}")
    return EngineRejected(f"google tts: {exc}")


GTTS_VOICES: tuple[str, ...] = ("vi",)  # Google offers one Vietnamese voice (northern)


class GttsEngine:
    """Google's Vietnamese voice (one voice, northern), one request per segment of <= 100 chars.

    Thread-safe: each call makes its own gTTS object and HTTP session.
    """

    name = "gtts"
    voices: tuple[str, ...] = GTTS_VOICES
    default_voice = "vi"
    max_chars = gTTS.GOOGLE_TTS_MAX_CHARS  # 100: Google's limit per request
    region_of_voice: dict[str, str] = {"vi": "north"}

    def __init__(
        self,
        base_url: str = "https://translate.google.com",
        timeout: float = 5.0,
        probe_timeout: float = 2.0,
        probe_ttl: float = PROBE_TTL,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.probe_timeout = probe_timeout
        self.probe_ttl = probe_ttl
        self._probe_lock = threading.Lock()  # serializes probes
        self._state_lock = threading.Lock()  # guards the verdict below
        self._probe_at: float | None = None  # time.monotonic() of the last verdict
        self._probe_ok = False
        self.last_error: str | None = None  # why the last probe or request failed

    def _fetch(self, text: str, timeout: float) -> bytes:
        """The MP3 Google returns for ``text`` (as sent: ID3 tag, Info frame and all)."""
        buffer = io.BytesIO()
        try:
            _LoaGTTS(text, base_url=self.base_url, timeout=timeout).write_to_fp(buffer)
        except gTTSError as exc:
            raise _map_gtts_error(exc) from exc
        except requests.RequestException as exc:
            raise EngineUnavailable(f"google tts: {exc}") from exc
        except binascii.Error as exc:  # truncated or corrupted base64 payload
            raise EngineUnavailable(f"google tts: corrupt audio payload ({exc})") from exc
        except AssertionError as exc:  # gTTS: nothing left to speak (punctuation only)
            raise EngineRejected(f"google tts: {exc}") from exc
        return buffer.getvalue()

    def synthesize(self, text: str, voice: str) -> AudioClip:
        """Speak one segment; bare MP3 frames (Google's ID3 tag and Info frame removed)."""
        if voice not in self.voices:
            raise EngineRejected(f"unknown gtts voice {voice!r}; known: {', '.join(self.voices)}")
        if not text.strip():
            raise EngineRejected("no text to speak")
        if len(text) > self.max_chars:
            raise EngineRejected(f"segment of {len(text)} chars exceeds {self.max_chars}")
        try:
            data = self._fetch(text, self.timeout)
        except EngineUnavailable as exc:
            self._remember(False, str(exc))
            raise
        clip = bare_clip(data)
        if clip is None:  # it answered, without audio: a refusal of this text (as edge)
            raise EngineRejected(f"google tts: answer holds no MP3 audio ({len(data)} bytes)")
        self._remember(True, None)
        return clip

    def _remember(self, ok: bool, error: str | None) -> None:
        """Record a verdict about Google's reachability (real requests count as probes)."""
        with self._state_lock:
            self._probe_ok, self._probe_at, self.last_error = ok, time.monotonic(), error

    def _cached_verdict(self) -> bool | None:
        with self._state_lock:
            if self._probe_at is not None and time.monotonic() - self._probe_at < self.probe_ttl:
                return self._probe_ok
        return None

    def available(self) -> bool:
        """One short request with ``probe_timeout``; the verdict is cached ``probe_ttl`` s.

        Failed synthesize calls (transient errors) and successful ones update the verdict too,
        so auto mode stops choosing Google as soon as a real request times out.
        """
        with self._probe_lock:  # one probe at a time; concurrent callers share its verdict
            cached = self._cached_verdict()
            if cached is not None:
                return cached
            started = time.monotonic()
            try:
                ok = bool(mp3.strip_to_frames(self._fetch(PROBE_TEXT, self.probe_timeout)))
                error = None if ok else "google tts: probe answer holds no audio"
            except (EngineUnavailable, EngineRejected) as exc:
                ok, error = False, str(exc)
            self._remember(ok, error)
            if ok:
                log.debug("google tts probe ok in %.2f s", time.monotonic() - started)
            else:
                log.warning(
                    "google tts probe failed in %.2f s: %s", time.monotonic() - started, error
                )
            return ok
