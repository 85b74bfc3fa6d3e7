"""CORS preflights for browser writes: offered only to origins some site allows.

Public reads are answered by the CORS middleware for every origin; a preflight asking for a
write method is answered here when its Origin is in a site's ``allowed_origins`` (which key, and
so which site, is only known on the request itself, where ``require_writer`` checks the origin
against the key's own site). Other write preflights go on to the CORS middleware, which refuses
them. The set of allowed origins is read from the database at most every few seconds.
"""

from __future__ import annotations

import time

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Receive, Scope, Send

from loa.errors import InputError
from loa.site_settings import normalize_origin
from loa.storage.db import new_session
from loa.storage.models import Site

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
CACHE_SECONDS = 5.0
ALLOW_HEADERS = "Authorization, Content-Type"


class WritePreflight:
    def __init__(self, app: ASGIApp, database_url: str) -> None:
        self.app = app
        self.database_url = database_url
        self._origins: frozenset[str] = frozenset()
        self._read_at = -CACHE_SECONDS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            origin = headers.get("origin", "")
            wanted = headers.get("access-control-request-method", "").upper()
            if origin and wanted in WRITE_METHODS and await self._allowed(origin):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"access-control-allow-origin", origin.encode("latin-1")),
                            (b"access-control-allow-methods", b"POST, PUT, DELETE"),
                            (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                            (b"access-control-max-age", b"600"),
                            (b"vary", b"Origin"),
                            (b"content-length", b"0"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)

    async def _allowed(self, origin: str) -> bool:
        try:
            wanted = normalize_origin(origin)
        except InputError:
            return False
        if time.monotonic() - self._read_at > CACHE_SECONDS:
            self._origins = await anyio.to_thread.run_sync(self._read)
            self._read_at = time.monotonic()
        return wanted in self._origins

    def _read(self) -> frozenset[str]:
        session = new_session(self.database_url)
        try:
            rows = session.scalars(select(Site.allowed_origins)).all()
            return frozenset(o for origins in rows for o in (origins or []))
        except SQLAlchemyError:  # no database yet: no origin is offered writes
            return frozenset()
        finally:
            session.close()
