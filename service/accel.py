"""Audio answers: the file itself, or, behind nginx, an ``X-Accel-Redirect`` to it.

A revision's audio file never changes once written, so which file an article's audio is, is
remembered for ``RECENT_SECONDS``: a player asking for range after range (or a crowd of them)
costs one database lookup every few seconds, not one per request. A deleted article's file is
gone, which ``recent_audio`` notices; a new revision is picked up within ``RECENT_SECONDS``
(the previous revision's file is kept one revision longer, and answers may be cached for 60 s
by clients anyway).

With ``LOA_ACCEL_REDIRECT_PREFIX`` set (e.g. ``/_audio/``, an ``internal`` nginx location
aliased to the audio directory) Python answers with headers only and nginx sends the bytes,
ranges included, so bulk audio never goes through Python.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, Response

from loa.config import Settings
from service.ranged_file import etag_matches

MEDIA_TYPE = "audio/mpeg"
RECENT_SECONDS = 2.0
RECENT_MAX = 10_000


@dataclass(frozen=True)
class AudioFile:
    key: str
    path: Path
    etag: str
    until: float


_recent: dict[str, AudioFile] = {}


def recent_audio(article_id: str) -> AudioFile | None:
    """The article's audio file if it was looked up less than RECENT_SECONDS ago and still
    exists."""
    entry = _recent.get(article_id)
    if entry is None or entry.until < time.monotonic() or not entry.path.is_file():
        return None
    return entry


def remember_audio(article_id: str, key: str, path: Path, etag: str) -> AudioFile:
    if len(_recent) >= RECENT_MAX:
        now = time.monotonic()
        for stale in [k for k, v in _recent.items() if v.until < now] or list(_recent):
            del _recent[stale]
    entry = AudioFile(key, path, etag, time.monotonic() + RECENT_SECONDS)
    _recent[article_id] = entry
    return entry


def accel_response(
    request: Request,
    settings: Settings,
    audio: AudioFile,
    headers: dict[str, str],
    filename: str,
) -> Response:
    """Behind nginx: headers only, with ``X-Accel-Redirect`` to the file (nginx answers Range
    and sends the bytes); 304 when If-None-Match matches."""
    answer = {**headers, "ETag": audio.etag, "Accept-Ranges": "bytes"}
    if etag_matches(request.headers.get("if-none-match"), audio.etag):
        return Response(status_code=304, headers=answer)
    prefix = settings.accel_redirect_prefix or ""
    redirect = {
        **answer,
        "X-Accel-Redirect": prefix.rstrip("/") + "/" + audio.key.lstrip("/"),
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    return Response(status_code=200, media_type=MEDIA_TYPE, headers=redirect)
