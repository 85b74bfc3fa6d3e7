"""A file answer whose byte ranges were decided by ``service.ranges`` (RFC 9110), not by Starlette.

Starlette's FileResponse reads the Range header itself and answers 400 to ``bytes=5-1`` and 416
to a set with any unsatisfiable range. Here ``select_ranges`` decides and ``RangedFileResponse``
hands FileResponse a request whose Range is the decision written canonically (or no Range at
all for the whole file), so FileResponse only streams: one part, or ``multipart/byteranges``
for several. ``serve_file`` does all of it (304, 200, 206, 416) for any route serving a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from service.errors import ApiError
from service.ranges import (
    ByteRange,
    Partial,
    Unsatisfiable,
    content_range,
    http_date,
    select_ranges,
)

_RANGE_HEADERS = (b"range", b"if-range")


class RangedFileResponse(FileResponse):
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        ranges: tuple[ByteRange, ...],
        stat_result: os.stat_result,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        filename: str | None = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        super().__init__(
            path,
            headers=headers,
            media_type=media_type,
            filename=filename,
            stat_result=stat_result,
            content_disposition_type=content_disposition_type,
        )
        self.ranges = ranges

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in _RANGE_HEADERS]
        if self.ranges:
            spec = ",".join(f"{r.start}-{r.end}" for r in self.ranges)
            headers.append((b"range", f"bytes={spec}".encode("latin-1")))
        await super().__call__({**scope, "headers": headers}, receive, send)


def serve_file(
    request: Request,
    path: Path,
    stat_result: os.stat_result,
    *,
    etag: str,
    media_type: str,
    filename: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A file answered as RFC 9110 says: 304 when If-None-Match matches ``etag`` (weak
    comparison), else 200 or 206 per ``select_ranges``; a set of ranges none of which is
    satisfiable raises the 416 ``ApiError`` (JSON, with ``Content-Range: bytes */size``).

    Any route serving a file can use it (audio, downloads, clips); ``headers`` are added to every
    answer (Cache-Control ...)."""
    modified = datetime.fromtimestamp(stat_result.st_mtime, UTC)
    answer_headers = {
        **(headers or {}),
        "ETag": etag,
        "Last-Modified": http_date(modified),
        "Accept-Ranges": "bytes",
    }
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=answer_headers)
    size = stat_result.st_size
    decision = select_ranges(
        request.method,
        request.headers.get("range"),
        request.headers.get("if-range"),
        size=size,
        etag=etag,
        last_modified=modified,
    )
    if isinstance(decision, Unsatisfiable):
        raise ApiError(
            416,
            "range_not_satisfiable",
            f"no requested range starts inside the file ({size} bytes)",
            field="Range",
            headers={**answer_headers, "Content-Range": f"bytes */{size}"},
        )
    ranges = decision.ranges if isinstance(decision, Partial) else ()
    if len(ranges) == 1:
        answer_headers["Content-Range"] = content_range(ranges[0], size)
    return RangedFileResponse(
        path,
        ranges=ranges,
        stat_result=stat_result,
        media_type=media_type,
        headers=answer_headers,
        filename=filename,
        content_disposition_type="inline",
    )


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 section 13.1.2)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag.removeprefix("W/") in candidates
