"""A local stand-in for Microsoft's read-aloud websocket service, as the edge engine speaks it.

The client opens ``<url>?TrustedClientToken=..&ConnectionId=..&Sec-MS-GEC=..&Sec-MS-GEC-Version=..``
and sends two text messages: ``Path:speech.config`` (JSON asking for
audio-24khz-48kbitrate-mono-mp3 and word boundaries) and ``Path:ssml`` (the SSML: voice,
prosody rate, text). The service answers ``turn.start``, ``response``, binary audio frames
(2-byte big-endian header length, ``X-RequestId/Content-Type:audio/mpeg/Path:audio`` headers,
MP3 bytes), one ``audio.metadata`` message per word (``WordBoundary``, offset and duration in
100 ns ticks) and ``turn.end``.

Modes: ok; 429 / 503 / 400 / 403 (the handshake is refused with that status; 429 with
Retry-After; 403 is what the service answers a Sec-MS-GEC token it does not accept);
drop (close after the first audio frame); no-audio (turn.end without audio); hang (never
answer). Knobs as in the Google stand-in: latency, max_rps, error_rate; ``forbid_next``: so
many next handshakes are refused with 403 (a token from a skewed clock, then a good one).
"""

from __future__ import annotations

import bisect
import functools
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from loa.audio.encode import encode_pcm
from loa.engines.fake import tone_pcm
from tests.fakes.arrivals import busiest_window

SAMPLE_RATE = 24000
BITRATE_KBPS = 48
MS_PER_CHAR = 60.0
TICKS = 10_000
MODES = ("ok", "429", "503", "400", "403", "drop", "no-audio", "hang")
_SSML_VOICE = re.compile(r"<voice name='([^']+)'>")
_SSML_TEXT = re.compile(r"<prosody[^>]*>(.*)</prosody>", re.S)


@functools.lru_cache(maxsize=4096)  # the stand-in's CPU is not what is measured
def edge_mp3(text: str) -> bytes:
    return encode_pcm(tone_pcm(text, "edge", SAMPLE_RATE, MS_PER_CHAR), SAMPLE_RATE, BITRATE_KBPS)


def word_boundaries(text: str) -> list[dict[str, Any]]:
    """One WordBoundary a word, placed where the tone of its characters is (60 ms a char)."""
    out = []
    for match in re.finditer(r"\S+", text):
        out.append(
            {
                "Type": "WordBoundary",
                "Data": {
                    "Offset": int(match.start() * MS_PER_CHAR * TICKS),
                    "Duration": int(len(match.group()) * MS_PER_CHAR * TICKS),
                    "text": {
                        "Text": match.group(),
                        "Length": len(match.group()),
                        "BoundaryType": "WordBoundary",
                    },
                },
            }
        )
    return out


def _text_message(path: str, request_id: str, body: str) -> str:
    head = f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
    return f"{head}Path:{path}\r\n\r\n{body}"


def _audio_frame(request_id: str, data: bytes) -> bytes:
    header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + data


class FakeEdgeTTS:
    """The stand-in on 127.0.0.1 and an ephemeral port; a context manager. ``url`` is what
    ``LOA_EDGE_TTS_URL`` takes; ``requests`` lists (text, voice) pairs received."""

    def __init__(
        self,
        mode: str = "ok",
        *,
        latency: float = 0.0,
        max_rps: int | None = None,
        error_rate: float = 0.0,
        retry_after: str | None = None,
        seed: int = 1,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.latency = latency
        self.max_rps = max_rps
        self.error_rate = error_rate
        self.retry_after = retry_after
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.arrivals: list[float] = []
        self.requests: list[tuple[str, str]] = []
        self.queries: list[str] = []
        self.refused = 0
        self.forbid_next = 0
        self.in_flight = 0  # sessions between handshake and turn.end (or close)
        self.max_in_flight = 0
        self.stopping = threading.Event()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def max_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived in any ``window`` seconds."""
        with self.lock:
            return busiest_window(list(self.arrivals), window)

    def reset_counts(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.requests.clear()
            self.refused = 0
            self.max_in_flight = self.in_flight

    def _refusal(
        self, connection: ServerConnection, status: int, retry_after: str | None
    ) -> Response:
        self.refused += 1
        response = connection.respond(status, f"Error {status}\n")
        if retry_after is not None:
            response.headers["Retry-After"] = retry_after
        return response

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        now = time.monotonic()
        with self.lock:
            self.arrivals.append(now)
            self.queries.append(request.path)
            recent = len(self.arrivals) - bisect.bisect_right(self.arrivals, now - 1.0)
        if "TrustedClientToken=" not in request.path or "Sec-MS-GEC=" not in request.path:
            return self._refusal(connection, 403, None)
        if self.forbid_next > 0:
            with self.lock:
                self.forbid_next -= 1
            return self._refusal(connection, 403, None)
        if self.mode in ("429", "503", "400", "403"):
            return self._refusal(connection, int(self.mode), "1" if self.mode == "429" else None)
        if self.max_rps is not None and recent > self.max_rps:
            return self._refusal(connection, 429, "1")
        if self.error_rate and self.rng.random() < self.error_rate:
            return self._refusal(connection, 429, self.retry_after)
        return None

    def _handle(self, ws: ServerConnection) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        left = False

        def leave() -> None:
            """Stop counting this session as in flight, as its turn.end goes out (the client
            frees its slot on it and may start the next before this thread would count it)."""
            nonlocal left
            if not left:
                left = True
                with self.lock:
                    self.in_flight -= 1

        try:
            self._session(ws, leave)
        finally:
            leave()

    def _session(self, ws: ServerConnection, leave: Callable[[], None]) -> None:
        try:
            config = ws.recv(timeout=10)
            ssml = ws.recv(timeout=10)
        except Exception:  # noqa: BLE001 - a client that went away
            return
        assert isinstance(config, str) and "Path:speech.config" in config
        assert isinstance(ssml, str) and "Path:ssml" in ssml
        voice_match, text_match = _SSML_VOICE.search(ssml), _SSML_TEXT.search(ssml)
        voice = voice_match.group(1) if voice_match else ""
        from xml.sax.saxutils import unescape

        text = unescape(text_match.group(1)) if text_match else ""
        with self.lock:
            self.requests.append((text, voice))
        request_id = uuid.uuid4().hex
        if self.mode == "hang":
            self.stopping.wait()
            return
        if self.latency and self.stopping.wait(self.latency):
            return
        ws.send(_text_message("turn.start", request_id, '{"context":{"serviceTag":"fake"}}'))
        ws.send(_text_message("response", request_id, '{"context":{"serviceTag":"fake"}}'))
        if self.mode != "no-audio":
            audio = edge_mp3(text)
            step = 4096
            for i in range(0, len(audio), step):
                ws.send(_audio_frame(request_id, audio[i : i + step]))
                if self.mode == "drop":
                    ws.close()
                    return
            for boundary in word_boundaries(text):
                ws.send(
                    _text_message(
                        "audio.metadata", request_id, json.dumps({"Metadata": [boundary]})
                    )
                )
        leave()
        ws.send(_text_message("turn.end", request_id, "{}"))

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/consumer/speech/synthesize/readaloud/edge/v1"

    def start(self) -> FakeEdgeTTS:
        self._server = serve(self._handle, "127.0.0.1", 0, process_request=self._process_request)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeEdgeTTS:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


__all__ = ["MODES", "FakeEdgeTTS"]
