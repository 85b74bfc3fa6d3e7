"""Microsoft's Vietnamese neural voices (the read-aloud service behind Edge), with word timings.

The edge-tts package builds its websocket URL from a module constant, so the endpoint cannot be
pointed elsewhere per engine; Loa speaks the protocol itself with the ``websockets`` client and
takes from edge-tts only what identifies a client (the trusted token, the Sec-MS-GEC value its
DRM module computes, the browser headers). The endpoint is ``LOA_EDGE_TTS_URL``.

One request is one websocket: send ``speech.config`` (MP3 24 kHz 48 kbps, word boundaries on)
and ``ssml``; receive ``turn.start``, ``response``, binary ``audio`` frames (2-byte big-endian
header length, the headers, then MP3 bytes), ``audio.metadata`` with ``WordBoundary`` entries
(offset and duration in 100 ns ticks from the start of the turn's audio) and ``turn.end``.

Failures: 429 is Throttled, 408/5xx/no connection EngineUnavailable (retried by the guard);
403 (the clock-bound Sec-MS-GEC token refused) is retried once here with the clock set by the
service's Date and a new token, then is a refusal (EngineRejected, not retried further); an
answer without audio is a refusal of that text (EngineRejected), as in the gtts engine.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from xml.sax.saxutils import escape

from edge_tts.constants import SEC_MS_GEC_VERSION, TRUSTED_CLIENT_TOKEN, WSS_HEADERS
from edge_tts.drm import DRM
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from loa.audio.clip import AudioClip
from loa.engines.base import TimedClip, WordTiming
from loa.engines.clips import bare_clip
from loa.errors import EngineRejected, EngineUnavailable, ServiceRefused
from loa.online.errors import Throttled
from loa.online.retry_after import parse_retry_after

log = logging.getLogger(__name__)

EDGE_VOICES: dict[str, str] = {"vi-VN-HoaiMyNeural": "north", "vi-VN-NamMinhNeural": "north"}
OUTPUT_FORMAT = "audio-24khz-48kbitrate-mono-mp3"
TICKS_PER_SECOND = 10_000_000
MAX_CHARS = 400  # one sentence-sized segment a request keeps turns short and cache hits high


def _timestamp() -> str:
    return time.strftime(
        "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)", time.gmtime()
    )


def speech_config_message() -> str:
    body = json.dumps(
        {
            "context": {
                "synthesis": {
                    "audio": {
                        "metadataoptions": {
                            "sentenceBoundaryEnabled": "false",
                            "wordBoundaryEnabled": "true",
                        },
                        "outputFormat": OUTPUT_FORMAT,
                    }
                }
            }
        }
    )
    return (
        f"X-Timestamp:{_timestamp()}\r\nContent-Type:application/json; charset=utf-8\r\n"
        f"Path:speech.config\r\n\r\n{body}\r\n"
    )


def ssml_message(text: str, voice: str, rate: str) -> str:
    ssml = (
        "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='vi-VN'>"
        f"<voice name='{voice}'><prosody pitch='+0Hz' rate='{rate}' volume='+0%'>"
        f"{escape(text)}</prosody></voice></speak>"
    )
    return (
        f"X-RequestId:{uuid.uuid4().hex}\r\nContent-Type:application/ssml+xml\r\n"
        f"X-Timestamp:{_timestamp()}Z\r\nPath:ssml\r\n\r\n{ssml}"
    )


def parse_headers(block: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


def split_binary(frame: bytes) -> tuple[dict[str, str], bytes]:
    """(headers, payload) of a binary frame: 2-byte header length, headers, audio."""
    if len(frame) < 2:
        raise EngineUnavailable("edge tts: binary frame without its header length")
    length = int.from_bytes(frame[:2], "big")
    if 2 + length > len(frame):
        raise EngineUnavailable("edge tts: binary frame shorter than its header")
    return parse_headers(frame[2 : 2 + length].decode("utf-8", "replace")), frame[2 + length :]


def words_from_metadata(body: str) -> list[WordTiming]:
    out: list[WordTiming] = []
    for item in json.loads(body).get("Metadata", []):
        if item.get("Type") != "WordBoundary":
            continue
        data = item["Data"]
        out.append(
            WordTiming(
                text=str(data["text"]["Text"]),
                start=round(int(data["Offset"]) / TICKS_PER_SECOND, 3),
                duration=round(int(data["Duration"]) / TICKS_PER_SECOND, 3),
            )
        )
    return out


class EdgeEngine:
    """vi-VN-HoaiMyNeural and vi-VN-NamMinhNeural; one websocket per segment. Thread-safe."""

    name = "edge"
    voices: tuple[str, ...] = tuple(EDGE_VOICES)
    default_voice = "vi-VN-HoaiMyNeural"
    max_chars = MAX_CHARS
    region_of_voice: dict[str, str] = dict(EDGE_VOICES)

    def __init__(self, url: str, *, timeout: float = 10.0, rate: str = "+0%") -> None:
        self.url = url
        self.timeout = timeout
        self.rate = rate
        # the speaking rate changes the audio: it is part of the segment cache key ("+10%" ->
        # "rp10": the key is also a clip's URL path)
        self.finishing = "r" + rate.replace("+", "p").replace("-", "m").replace("%", "")
        self.last_error: str | None = None

    def _connect_url(self) -> str:
        return (
            f"{self.url}?TrustedClientToken={TRUSTED_CLIENT_TOKEN}"
            f"&ConnectionId={uuid.uuid4().hex}&Sec-MS-GEC={DRM.generate_sec_ms_gec()}"
            f"&Sec-MS-GEC-Version={SEC_MS_GEC_VERSION}"
        )

    def synthesize(self, text: str, voice: str) -> AudioClip:
        if voice not in self.voices:
            raise EngineRejected(f"unknown edge voice {voice!r}; known: {', '.join(self.voices)}")
        if not text.strip():
            raise EngineRejected("no text to speak")
        if len(text) > self.max_chars:
            raise EngineRejected(f"segment of {len(text)} chars exceeds {self.max_chars}")
        for attempt in (1, 2):
            try:
                audio, words = self._request(text, voice)
                break
            except InvalidStatus as exc:
                if exc.response.status_code == 403 and attempt == 1:
                    # the Sec-MS-GEC token is bound to the clock: set ours by the service's
                    # Date and try once more with a new token; a second 403 is a refusal
                    _adjust_clock(exc.response.headers.get("Date"))
                    continue
                raise _map_status(exc) from exc
            except (WebSocketException, OSError, TimeoutError) as exc:
                raise EngineUnavailable(f"edge tts: {type(exc).__name__}: {exc}"[:200]) from exc
        clip = bare_clip(audio)
        if clip is None:  # it answered, without audio: as gtts, a refusal of this text
            raise EngineRejected("edge tts: turn ended without audio")
        return TimedClip(
            mp3=clip.mp3, duration=clip.duration, format=clip.format, words=tuple(words)
        )

    def _request(self, text: str, voice: str) -> tuple[bytes, list[WordTiming]]:
        with connect(
            self._connect_url(),
            additional_headers=_client_headers(),
            open_timeout=self.timeout,
            close_timeout=1,
            max_size=2**24,
        ) as ws:
            return self._turn(ws, text, voice)

    def _turn(self, ws: ClientConnection, text: str, voice: str) -> tuple[bytes, list[WordTiming]]:
        ws.send(speech_config_message())
        ws.send(ssml_message(text, voice, self.rate))
        audio = bytearray()
        words: list[WordTiming] = []
        deadline = time.monotonic() + self.timeout
        while True:
            message = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(message, bytes):
                headers, payload = split_binary(message)
                if headers.get("Path") != "audio":
                    raise EngineUnavailable(f"edge tts: binary frame for {headers.get('Path')}")
                audio += payload
                continue
            head, _, body = message.partition("\r\n\r\n")
            path = parse_headers(head).get("Path")
            if path == "audio.metadata":
                words.extend(words_from_metadata(body))
            elif path == "turn.end":
                return bytes(audio), words
            elif path not in ("turn.start", "response"):
                raise EngineUnavailable(f"edge tts: unexpected message {path!r}")

    def available(self) -> bool:
        """One short request (the shared breaker, not this, decides in workers)."""
        try:
            self.synthesize("xin chào", self.default_voice)
        except (EngineUnavailable, EngineRejected) as exc:
            self.last_error = str(exc)
            return False
        return True


def _client_headers() -> dict[str, str]:
    """The browser's headers edge-tts sends, less the ones the websocket client sets itself."""
    headers = DRM.headers_with_muid(WSS_HEADERS)
    return {k: v for k, v in headers.items() if not k.lower().startswith("sec-websocket")}


def _adjust_clock(date: str | None) -> None:
    """Correct edge-tts's clock skew by the service's ``Date`` header (none: nothing to do)."""
    server = DRM.parse_rfc2616_date(date) if date else None
    if server is not None:
        DRM.adj_clock_skew_seconds(server - DRM.get_unix_timestamp())


def _map_status(exc: InvalidStatus) -> Exception:
    """429 -> Throttled; 408, 5xx -> EngineUnavailable (retried); 401, 403 (a token refused
    twice: synthesize retries it once first) -> ServiceRefused (not retried, but the article
    falls back to another engine); any other 4xx -> EngineRejected."""
    status = exc.response.status_code
    if status == 429:
        return Throttled(
            "edge tts: HTTP 429", parse_retry_after(exc.response.headers.get("Retry-After"))
        )
    if status == 408 or status >= 500:
        return EngineUnavailable(f"edge tts: HTTP {status}")
    if status in (401, 403):
        return ServiceRefused(f"edge tts: HTTP {status}")
    return EngineRejected(f"edge tts: HTTP {status}")
