"""Audio answers: the file itself, or, behind nginx, an ``X-Accel-Redirect`` to it.

With ``LOA_ACCEL_REDIRECT_PREFIX`` set (e.g. ``/_audio/``, an ``internal`` nginx location
aliased to the audio directory) Python answers with headers only and nginx sends the bytes,
ranges included, so bulk audio never goes through Python.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Response
from fastapi.responses import FileResponse

from loa.config import Settings

MEDIA_TYPE = "audio/mpeg"


def audio_response(
    settings: Settings, key: str, path: Path, headers: dict[str, str], filename: str
) -> Response:
    prefix = settings.accel_redirect_prefix
    if prefix:
        redirect = {
            **headers,
            "X-Accel-Redirect": prefix.rstrip("/") + "/" + key.lstrip("/"),
            "Content-Disposition": f'inline; filename="{filename}"',
        }
        return Response(status_code=200, media_type=MEDIA_TYPE, headers=redirect)
    return FileResponse(
        path,
        media_type=MEDIA_TYPE,
        headers=headers,
        filename=filename,
        content_disposition_type="inline",
    )
