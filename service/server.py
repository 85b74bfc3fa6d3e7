"""Run the API with limits on clients: ``python -m service.server`` (what ``loa serve`` and
docker-compose start).

uvicorn alone never cuts off a client that trickles its request headers (it only times out
idle keep-alive connections) and answers oversized headers with 400. The protocol below adds:

- a header timeout (``LOA_HEADER_TIMEOUT``): from the first byte of a request (or the
  connection's start) to the end of its headers; past it the connection gets 408 and is closed;
- a header size limit (``LOA_MAX_HEADER_BYTES``): 431 and the connection is closed;
- a connection limit twice the request limit (``LOA_MAX_CONCURRENT_REQUESTS``), as a backstop
  against descriptor exhaustion; requests themselves are limited by
  ``service.middleware.ConcurrencyLimit`` (503 with Retry-After).

Body read time is limited in ``service.middleware.BodySizeLimit`` (408).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

import h11
import uvicorn
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from loa.config import Settings, get_settings

#: after refusing a connection, read (and drop) what the client still sends for this long before
#: closing, so that its next bytes do not make the kernel reset the connection and discard the
#: answer in the client's receive buffer (a "lingering close", RFC 9112 section 9.6)
LINGER_SECONDS = 2.0

#: asyncio reads at most this much at once; h11's own limit must stay above ours plus one read
#: so that ours (431) always fires first
MAX_READ = 256 * 1024


def _raw_error(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message, "field": "headers"}})
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body.encode()


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header timeout and a header size limit."""

    header_timeout: float = 10.0
    max_header_bytes: int = 16_384

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, object],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._header_timer: asyncio.TimerHandle | None = None
        self._refused = False

    # the ignore: uvicorn's protocol narrows asyncio.Protocol's BaseTransport to Transport
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering after a refusal: the client's bytes are dropped
        if self.conn.their_state is h11.IDLE:
            self._arm_header_timer()
            if self._header_size(data) > self.max_header_bytes:
                self._refuse(
                    431,
                    "Request Header Fields Too Large",
                    "headers_too_large",
                    f"request line and headers are over {self.max_header_bytes} bytes",
                )
                return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_header_timer()  # the headers are in: the body has its own limit

    def _header_size(self, data: bytes) -> int:
        """Bytes of the request line and headers received so far (all of them once the blank
        line has arrived)."""
        pending = self.conn.trailing_data[0] + data
        end = pending.find(b"\r\n\r\n")
        return len(pending) if end < 0 else end + 4

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # an idle keep-alive connection is uvicorn's (timeout_keep_alive); the timer is armed
        # again by the first byte of the next request

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._refuse(
                408,
                "Request Timeout",
                "header_timeout",
                f"request headers did not arrive within {self.header_timeout:g} s",
            )

    def _refuse(self, status: int, reason: str, code: str, message: str) -> None:
        self._disarm_header_timer()
        if self.transport.is_closing():
            return
        self.logger.warning("closing connection from %s: %s", self.client, message)
        self.transport.write(_raw_error(status, reason, code, message))
        self._refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the answer, then FIN; reading goes on for a moment
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()


def protocol_for(settings: Settings) -> type[GuardedH11Protocol]:
    """The protocol class with this configuration's limits."""
    return type(
        "LoaH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": settings.header_timeout, "max_header_bytes": settings.max_header_bytes},
    )


def uvicorn_config(settings: Settings) -> Config:
    return Config(
        "service.app:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        http=protocol_for(settings),
        h11_max_incomplete_event_size=settings.max_header_bytes + MAX_READ + 1,
        limit_concurrency=2 * settings.max_concurrent_requests,
        timeout_keep_alive=5,
        backlog=2048,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run Loa's API with limits on clients.")
    parser.add_argument("--host", help="default: LOA_HOST")
    parser.add_argument("--port", type=int, help="default: PORT")
    args = parser.parse_args(argv)
    # through the environment: the app factory reads its settings (and so the bind address
    # that links default to) from there
    if args.host:
        os.environ["LOA_HOST"] = args.host
    if args.port:
        os.environ["PORT"] = str(args.port)
    get_settings.cache_clear()
    uvicorn.Server(uvicorn_config(get_settings())).run()


if __name__ == "__main__":
    main()
