"""A local stand-in for Google Translate's TTS endpoint, as gTTS 2.5.4 speaks to it.

gTTS POSTs ``f.req=<url-quoted JSON>&`` to ``<base>/_/TranslateWebserverUi/data/batchexecute``,
where the JSON is ``[[["jQ1olc", "[text, lang, speed, \\"null\\"]", null, "generic"]]]``. Google
answers with the ``)]}'`` anti-JSON-hijacking prefix and length-prefixed chunks; the first chunk
holds ``["wrb.fr","jQ1olc","[\\"<base64 MP3>\\"]",...]``, which gTTS finds line by line with the
regex ``jQ1olc","\\[\\\\"(.*)\\\\"]``.

The MP3 is real and shaped like Google's: 24 kHz mono 32 kbps CBR, preceded by an ID3v2 tag
and an Info header frame (which Loa must strip). Its length follows the text (60 ms a char).

Modes (``FakeGoogleTTS.mode``, changeable while running):

    ok        audio for the text
    500, 503, 429, 400, 403
              that HTTP status, Google-like error body
    no-audio  200 with an RPC answer that holds no audio (what Google sends for a bad request)
    hang      accept the request and never answer (until the server stops)
    slow      answer correctly after ``delay`` seconds
    drop      send the headers and half the body, then close the connection

Newsroom-scale knobs (any mode, checked in this order before answering "ok"):

    latency       seconds every answer takes (Google is ~0.2 s away)
    max_rps       more than this many requests in the last second -> 429 with Retry-After
    error_rate    this fraction of requests, at random, gets ``error_status`` (429 by default,
                  with ``Retry-After: retry_after`` when that is set)

``arrivals`` holds the monotonic time of each request; ``max_in_window()`` is the most requests
seen in any one-second window and ``max_in_flight`` the most answered at once.
"""

from __future__ import annotations

import base64
import bisect
import functools
import json
import logging
import random
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from loa.audio import mp3
from loa.audio.clip import AudioFormat
from loa.audio.encode import encode_pcm
from loa.audio.tags import tag_mp3
from loa.engines.fake import tone_pcm
from tests.fakes.arrivals import busiest_window

log = logging.getLogger(__name__)

BATCHEXECUTE_PATH = "/_/TranslateWebserverUi/data/batchexecute"
RPC_ID = "jQ1olc"
SAMPLE_RATE = 24000
BITRATE_KBPS = 32
MODES = ("ok", "500", "503", "429", "400", "403", "no-audio", "hang", "slow", "drop")


@functools.lru_cache(maxsize=4096)  # the stand-in's CPU is not what is measured
def google_mp3(text: str, ms_per_char: float = 60.0) -> bytes:
    """An MP3 like Google's for ``text``: ID3v2 tag + Info frame + 24 kHz/32 kbps mono frames."""
    frames = encode_pcm(tone_pcm(text, "google", SAMPLE_RATE, ms_per_char), SAMPLE_RATE, 32)
    fmt = AudioFormat(sample_rate=SAMPLE_RATE, channels=1, bitrate_kbps=BITRATE_KBPS)
    count = len(mp3.audio_frames(frames))
    return tag_mp3(mp3.info_frame(fmt, count, len(frames)) + frames, title="fake google")


def _chunked(*chunks: str) -> bytes:
    """Google's batchexecute framing: the )]}' prefix, then each chunk after its length."""
    body = ")]}'\n"
    for chunk in chunks:
        body += f"\n{len(chunk)}\n{chunk}"
    return body.encode("utf-8")


def batchexecute_answer(audio: bytes | None) -> bytes:
    """The body Google sends for one jQ1olc call (``audio`` None: an answer without audio)."""
    payload = json.dumps([base64.b64encode(audio).decode("ascii")]) if audio is not None else None
    envelope = [
        ["wrb.fr", RPC_ID, payload, None, None, None if payload else [3], "generic"],
        ["di", 57],
        ["af.httprm", 56, "-4273468839281364201", 7],
    ]
    first = json.dumps(envelope, separators=(",", ":"))
    return _chunked(first, json.dumps([["e", 4, None, None, len(first)]], separators=(",", ":")))


def parse_f_req(body: bytes) -> tuple[str, str]:
    """(text, lang) from gTTS's form body; ValueError when it is not a jQ1olc call."""
    form = urllib.parse.parse_qs(body.decode("utf-8"), strict_parsing=False)
    if "f.req" not in form:
        raise ValueError("no f.req field")
    rpc = json.loads(form["f.req"][0])
    rpc_id, parameter, _, kind = rpc[0][0]
    if rpc_id != RPC_ID or kind != "generic":
        raise ValueError(f"unexpected rpc {rpc_id!r}")
    text, lang, _speed, _null = json.loads(parameter)
    return text, lang


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        log.debug("fake google: " + format, *args)

    _in_flight = False

    def _leave(self) -> None:
        """This request stops counting as in flight: called as its last bytes are handed to the
        socket (the client may release its slot and send the next request as soon as they
        arrive, before this thread would otherwise get to count it done)."""
        if self._in_flight:
            self._in_flight = False
            with self.server.fake.lock:
                self.server.fake.in_flight -= 1

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._leave()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        fake = self.server.fake
        mode = fake.mode
        if self.path.split("?")[0] != BATCHEXECUTE_PATH:
            self._send(404, b"Not Found", "text/html")
            return
        try:
            text, lang = parse_f_req(body)
        except (ValueError, KeyError, IndexError, TypeError, json.JSONDecodeError):
            self._send(400, b"Bad Request", "text/html")
            return
        fake.requests.append((text, lang))
        now = fake.arrive()
        self._in_flight = True
        try:
            self._answer(fake, mode, text, now)
        finally:
            self._leave()

    def _answer(self, fake: FakeGoogleTTS, mode: str, text: str, now: float) -> None:
        if fake.latency and fake.stopping.wait(fake.latency):
            return
        if fake.max_rps is not None and fake.recent(now) > fake.max_rps:
            fake.refused += 1
            self._refuse(429, "1")
            return
        if fake.error_rate and fake.rng.random() < fake.error_rate:
            fake.refused += 1
            self._refuse(fake.error_status, fake.retry_after)
            return
        if mode == "hang":
            fake.stopping.wait()
            return
        if mode.isdigit():
            self._send(int(mode), f"Error {mode}".encode(), "text/html; charset=utf-8")
            return
        if mode == "slow":
            if fake.stopping.wait(fake.delay):
                return
        content_type = "application/json; charset=utf-8"
        if mode == "no-audio":
            self._send(200, batchexecute_answer(None), content_type)
            return
        answer = batchexecute_answer(google_mp3(text))
        if mode == "drop":
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer[: len(answer) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(200, answer, content_type)

    def _refuse(self, status: int, retry_after: str | None) -> None:
        body = f"Error {status}".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self._leave()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGoogleTTS


class FakeGoogleTTS:
    """The fake endpoint on 127.0.0.1 and an ephemeral port; a context manager.

    ``url`` is the base URL to give gTTS (``LOA_GTTS_URL``); ``requests`` lists the
    (text, lang) pairs received; ``mode`` and ``delay`` may be changed at any time.
    """

    def __init__(
        self,
        mode: str = "ok",
        delay: float = 5.0,
        *,
        latency: float = 0.0,
        max_rps: int | None = None,
        error_rate: float = 0.0,
        error_status: int = 429,
        retry_after: str | None = None,
        seed: int = 1,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        self.mode = mode
        self.delay = delay
        self.latency = latency
        self.max_rps = max_rps
        self.error_rate = error_rate
        self.error_status = error_status
        self.retry_after = retry_after
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.arrivals: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.refused = 0
        self.requests: list[tuple[str, str]] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def arrive(self) -> float:
        """Record one request's arrival (and that it is in flight); its monotonic time."""
        with self.lock:
            now = time.monotonic()
            self.arrivals.append(now)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return now

    def recent(self, now: float) -> int:
        """Requests that arrived in the second up to ``now``."""
        with self.lock:
            return bisect.bisect_right(self.arrivals, now) - bisect.bisect_right(
                self.arrivals, now - 1.0
            )

    def max_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived in any ``window`` seconds."""
        with self.lock:
            return busiest_window(list(self.arrivals), window)

    def reset_counts(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.requests.clear()
            self.max_in_flight = 0
            self.refused = 0

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_port}"  # bound to 127.0.0.1 in start()

    def start(self) -> FakeGoogleTTS:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases hanging and slow handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeGoogleTTS:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
