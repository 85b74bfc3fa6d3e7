"""ASGI middleware: body size and read-time limits, a concurrency limit, request metrics."""

from __future__ import annotations

import asyncio
import json

from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """413 when Content-Length is over the limit (nothing read), or when a streamed body
    passes it (reading stops there); 408 when the body takes longer than ``timeout`` seconds
    to arrive (a slow-loris body). Bodies within the limits are buffered and replayed."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await self._reject(send, 400, "Content-Length is not a number")
                return
            if size > self.max_bytes:
                await self._too_large(send)
                return
        try:
            async with asyncio.timeout(self.timeout):
                data = await self._read_body(receive)
        except TimeoutError:
            await self._reject(
                send,
                408,
                f"the request body did not arrive within {self.timeout:g} s",
                code="body_timeout",
            )
            return
        except _TooLarge:
            await self._too_large(send)
            return
        if data is None:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None when the client went away."""
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                raise _TooLarge
            chunks.append(body)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        await self._reject(
            send,
            413,
            f"the request body is larger than the limit of {self.max_bytes} bytes",
            code="body_too_large",
        )

    async def _reject(
        self, send: Send, status: int, message: str, code: str = "bad_request"
    ) -> None:
        await send_error(send, status, code, message, "body", close=True)


class _TooLarge(Exception):
    pass


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    field: str | None,
    *,
    close: bool = False,
    extra_headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """Answer with Loa's JSON error shape from ASGI middleware."""
    body = json.dumps({"error": {"code": code, "message": message, "field": field}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra_headers,
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AdmissionGate:
    """At most ``slots`` requests inside the application at once, ``slots`` being the size of
    the endpoint thread pool and of the database pool.

    Why: a sync endpoint takes a thread, then a database connection, and after it returns
    FastAPI needs a thread again (to serialize the answer, to close the session) while the
    connection is still checked out. With more requests inside than threads, requests holding
    connections wait for threads held by requests waiting for connections: the lock-up of
    issue 7. Admitted requests never outnumber threads or connections, so none of them waits
    on the other; the rest wait here, holding neither. A slot is given back when the answer
    starts (the session is closed by then: ``SessionDep`` has ``scope="function"``), so
    streaming audio to a slow client holds no slot."""

    def __init__(self, app: ASGIApp, slots: int) -> None:
        self.app = app
        self.slots = asyncio.Semaphore(slots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.slots.acquire()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self.slots.release()

        async def releasing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, releasing_send)
        finally:
            release()


class ConcurrencyLimit:
    """At most ``max_requests`` HTTP requests in progress; past that, 503 with Retry-After at
    once (nothing is queued). /metrics and /healthz are exempt so an overloaded server can
    still be watched."""

    EXEMPT = ("/metrics", "/healthz")

    def __init__(self, app: ASGIApp, max_requests: int, retry_after: int = 1) -> None:
        self.app = app
        self.max_requests = max_requests
        self.retry_after = retry_after
        self.in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.EXEMPT:
            await self.app(scope, receive, send)
            return
        if self.in_progress >= self.max_requests:
            await send_error(
                send,
                503,
                "overloaded",
                f"more than {self.max_requests} requests in progress; try again shortly",
                None,
                extra_headers=((b"retry-after", str(self.retry_after).encode()),),
            )
            return
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1


class RequestMetrics:
    """Counts every answer by route template (not the raw path: ids would explode the label
    set), method and status."""

    def __init__(self, app: ASGIApp, counter: Counter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.counter.labels(template, scope["method"], str(status)).inc()
