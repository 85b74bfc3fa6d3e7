"""A file answer whose byte ranges were decided by ``service.ranges`` (RFC 9110), not by Starlette.

Starlette's FileResponse reads the Range header itself and answers 400 to ``bytes=5-1`` and 416
to a set with any unsatisfiable range. Here the route decides (``select_ranges``) and this
response hands FileResponse a request whose Range is the decision written canonically (or no
Range at all for the whole file), so FileResponse only streams: one part, or
``multipart/byteranges`` for several.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from starlette.responses import FileResponse
from starlette.types import Receive, Scope, Send

from service.ranges import ByteRange

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
