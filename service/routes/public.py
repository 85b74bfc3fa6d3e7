"""Public reads for players: an article's playable state (by id, or by site + external id), the
recent articles (for the demo page), segment clips for progressive playback, and a download.

``/v1/player/...`` answers 200 with ``"status": "unknown"`` for a well-formed id that matches no
article: a player embedded before its article is posted stays hidden without filling the host
page's console with errors. Malformed ids and sites are 404/422 like everywhere else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path as PathLike
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import or_, select

from loa.clock import as_utc
from loa.contracts import is_site_name
from loa.keys import Principal
from loa.progress import clip_with_pause, read_progress
from loa.storage.base import Storage, check_key
from loa.storage.keys import clip_with_pause_key
from loa.storage.models import Article
from service.deps import ReaderDep, SessionDep, StorageDep, may_see
from service.errors import ApiError
from service.links import public_base_url
from service.openapi import responses
from service.ranged_file import serve_file
from service.schemas import EXTERNAL_ID_PATTERN, SITE_NAME_PATTERN

router = APIRouter(prefix="/v1", tags=["player"])

ID_PATTERN = "[0-9a-f]{32}"
ID_RE = re.compile(ID_PATTERN)
EXTERNAL_ID_RE = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
#: A segment cache key as loa.storage.keys makes it: cache/<engine>/<voice>/<2 hex>/<sha256>.mp3
CLIP_PATTERN = r"cache/[A-Za-z0-9_.-]{1,64}/[A-Za-z0-9_.-]{1,64}/[0-9a-f]{2}/[0-9a-f]{64}\.mp3"
CLIP_RE = re.compile(CLIP_PATTERN)
MAX_PAUSE_MS = 5000
NO_STORE = {"Cache-Control": "no-store"}
IMMUTABLE = "public, max-age=31536000, immutable"
RETRY_SECONDS = 2


def _base(request: Request) -> str:
    """The configured public base URL (service/links.py): never the request's Host header."""
    return public_base_url(request.app.state.settings)


def _links(request: Request, article_id: str) -> dict[str, str]:
    base = _base(request)
    return {
        "audio": f"{base}/v1/articles/{article_id}/audio.mp3",
        "download": f"{base}/v1/player/articles/{article_id}/download.mp3",
        "embed": f"{base}/embed/{article_id}",
    }


def _clip_url(request: Request, key: str, pause_ms: int) -> str:
    base = _base(request)
    return f"{base}/v1/clips/{key}?pause_ms={pause_ms}"


def player_state(request: Request, row: Article | None, storage: Storage) -> dict[str, Any]:
    """What a player needs to know about an article, at this moment."""
    if row is None:
        return {"status": "unknown", "playable": False, "complete": False, "segments": []}
    state: dict[str, Any] = {
        "id": row.id,
        "site": row.site,
        "external_id": row.external_id,
        "title": row.title,
        "status": row.status,
        "progress": {"done": row.segments_done, "total": row.segments_total},
        "playable": False,
        "complete": False,
        "audio": None,
        "download": None,
        "duration": None,
        "segments": [],
    }
    links = _links(request, row.id)
    if row.audio_key and row.playlist:
        # the last finished revision: served until a newer one is ready
        state.update(
            playable=True,
            complete=True,
            audio=links["audio"],
            download=links["download"],
            duration=row.playlist["duration"],
            segments=[_public_segment(s) for s in row.playlist["segments"]],
        )
    elif row.status == "processing":
        partial = read_progress(storage, row.id, row.revision)
        if partial and partial.get("segments"):
            state.update(
                playable=True,
                duration=partial.get("estimated_duration"),
                known_duration=partial.get("known_duration"),
                progress={"done": partial.get("done", 0), "total": partial.get("total", 0)},
                segments=[
                    dict(_public_segment(s), audio=_clip_url(request, s["clip"], s["pause_ms"]))
                    for s in partial["segments"]
                ],
            )
    if row.status in ("queued", "processing"):
        state["retry_after"] = RETRY_SECONDS
    return state


def _public_segment(s: dict[str, Any]) -> dict[str, Any]:
    keep = ("index", "text", "start", "duration", "paragraph", "sentence", "kind")
    out = {k: s[k] for k in keep if k in s}
    if s.get("words"):
        # compact, for word-by-word highlighting: [start, offset, length] a word (offset and
        # length in code points of the segment's text, null when it cannot be placed)
        out["marks"] = [[w["start"], w.get("offset"), w.get("length")] for w in s["words"]]
    return out


def _answer(state: dict[str, Any]) -> JSONResponse:
    # never cached: a cached "nothing to play" would hide the button once audio exists
    return JSONResponse(state, headers=NO_STORE)


#: Documented with its pattern; an id that does not match is answered 404, as everywhere.
ArticleId = Annotated[
    str,
    Path(
        description="The article id (32 hex characters).",
        json_schema_extra={"pattern": f"^{ID_PATTERN}$"},
    ),
]
#: Documented with the server's rules (loa.contracts); checked by ``_check_site`` (422).
SITE_SCHEMA: dict[str, Any] = {"pattern": SITE_NAME_PATTERN, "minLength": 1, "maxLength": 100}
EXTERNAL_ID_SCHEMA: dict[str, Any] = {
    "pattern": EXTERNAL_ID_PATTERN,
    "minLength": 1,
    "maxLength": 200,
}
#: A clip's URL is its cache key, one path parameter per part of it: a parameter holding the
#: whole key would hold "/", which OpenAPI path parameters cannot (RFC 3986 segments).
_NAME_PART = r"[A-Za-z0-9_.-]{1,64}"
ClipEngine = Annotated[
    str, Path(description="The engine of the segment.", pattern=f"^{_NAME_PART}$")
]
ClipVoice = Annotated[str, Path(description="Its voice.", pattern=f"^{_NAME_PART}$")]
ClipShard = Annotated[
    str, Path(description="The first two hex digits of its digest.", pattern="^[0-9a-f]{2}$")
]
ClipDigest = Annotated[
    str,
    Path(description="SHA-256 of engine, voice and spoken text.", pattern="^[0-9a-f]{64}$"),
]

_STATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "playable", "complete", "segments"],
    "properties": {
        "status": {
            "type": "string",
            "enum": ["unknown", "queued", "processing", "ready", "failed"],
        },
        "playable": {"type": "boolean"},
        "complete": {"type": "boolean"},
        "segments": {"type": "array", "items": {"type": "object"}},
        "retry_after": {"type": "integer"},
    },
}
#: never cached: a cached "nothing to play" would hide the button once audio exists
_NO_STORE_HEADER = {"Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}}
STATE_RESPONSE: dict[str, Any] = {
    "description": "The article's playable state (status unknown: no such article).",
    "content": {"application/json": {"schema": _STATE_SCHEMA}},
    "headers": _NO_STORE_HEADER,
}
_RECENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["articles"],
    "properties": {"articles": {"type": "array", "items": {"type": "object"}}},
}
_MP3 = {"audio/mpeg": {"schema": {"type": "string", "format": "binary"}}}
_FILE_HEADERS: dict[str, Any] = {
    "ETag": {"schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"}},
    "Accept-Ranges": {"schema": {"type": "string", "enum": ["bytes"]}},
    "Cache-Control": {"schema": {"type": "string"}},
}
#: a file served by service.ranged_file.serve_file: byte ranges per RFC 9110
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The whole MP3 (also when Range is absent, invalid or ignored).",
        "content": _MP3,
        "headers": _FILE_HEADERS,
    },
    206: {
        "description": "Partial content: one range (with Content-Range), or several as "
        "multipart/byteranges.",
        "content": {
            **_MP3,
            "multipart/byteranges": {"schema": {"type": "string", "format": "binary"}},
        },
        "headers": {
            **_FILE_HEADERS,
            "Content-Range": {
                "description": "bytes <first>-<last>/<size> (single range)",
                "schema": {"type": "string", "pattern": "^bytes [0-9]+-[0-9]+/[0-9]+$"},
            },
        },
    },
    304: {
        "description": "Not modified (If-None-Match matched the ETag).",
        "headers": _FILE_HEADERS,
    },
}


def _visible(reader: Principal, row: Article | None) -> Article | None:
    """A draft the reader may not see is no article at all."""
    return row if row is not None and may_see(reader, row) else None


def _check_site(site: str) -> str:
    if not is_site_name(site):
        raise ApiError(422, "invalid_input", "site: lowercase letters, digits, . _ -", field="site")
    return site


@router.get(
    "/player/articles/{article_id}",
    operation_id="get_player_article",
    responses={200: STATE_RESPONSE, **responses(404)},
)
def player_article(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
) -> JSONResponse:
    """The playable state of one article (``status: unknown`` when there is no such id, or
    it is a draft the caller may not see)."""
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    row = _visible(reader, session.get(Article, article_id))
    return _answer(player_state(request, row, storage))


@router.get(
    "/player/lookup",
    operation_id="lookup_player_article",
    responses={200: STATE_RESPONSE, **responses(422)},
)
def player_lookup(
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
    site: Annotated[
        str,
        Query(
            description="The site the CMS posted the article under.",
            json_schema_extra=SITE_SCHEMA,
        ),
    ],
    external_id: Annotated[
        str,
        Query(description="The CMS's own id of the article.", json_schema_extra=EXTERNAL_ID_SCHEMA),
    ],
) -> JSONResponse:
    """Find an article by site + external id, so a CMS need not store Loa's ids."""
    _check_site(site)
    if not EXTERNAL_ID_RE.fullmatch(external_id):
        raise ApiError(
            422, "invalid_input", "external_id: 1 to 200 printable characters", field="external_id"
        )
    row = session.scalars(
        select(Article).where(Article.site == site, Article.external_id == external_id)
    ).first()
    return _answer(player_state(request, _visible(reader, row), storage))


@router.get(
    "/player/recent",
    operation_id="recent_player_articles",
    responses={
        200: {
            "description": "The latest articles, newest first.",
            "content": {"application/json": {"schema": _RECENT_SCHEMA}},
            "headers": _NO_STORE_HEADER,
        },
        **responses(422),
    },
)
def recent_articles(
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    limit: Annotated[int, Query(ge=1, le=100, description="How many (1-100).")] = 20,
    site: Annotated[
        str | None,
        Query(description="Only this site's articles.", json_schema_extra=SITE_SCHEMA),
    ] = None,
) -> JSONResponse:
    """The most recently posted articles with their status (for the demo page)."""
    query = select(Article).order_by(Article.created_at.desc()).limit(limit)
    if not reader.is_admin:  # drafts only to their own site's keys
        query = query.where(or_(Article.published.is_(True), Article.site == (reader.site or "")))
    if site is not None:
        query = query.where(Article.site == _check_site(site))
    items = []
    for row in session.scalars(query):
        created = as_utc(row.created_at)
        items.append(
            {
                "id": row.id,
                "title": row.title,
                "site": row.site,
                "external_id": row.external_id,
                "status": row.status,
                "progress": {"done": row.segments_done, "total": row.segments_total},
                "duration": row.duration,
                "engine": row.engine,
                "error": row.error,
                "created_at": created.isoformat() if created else None,
                "links": _links(request, row.id),
            }
        )
    return _answer({"articles": items})


@router.get(
    "/clips/cache/{engine}/{voice}/{shard}/{digest}.mp3",
    response_class=Response,
    operation_id="get_segment_clip",
    responses={**FILE_RESPONSES, **responses(404, 416, 422)},
)
def segment_clip(
    engine: ClipEngine,
    voice: ClipVoice,
    shard: ClipShard,
    digest: ClipDigest,
    request: Request,
    storage: StorageDep,
    pause_ms: Annotated[
        int, Query(ge=0, le=MAX_PAUSE_MS, description="Silence after the segment (ms).")
    ] = 0,
) -> Response:
    """One synthesized segment followed by its pause, as it sits in the final file. The key is
    content-addressed (engine, voice, spoken text), so the answer never changes: it is made
    once per pause and kept next to the cache, then served with byte ranges."""
    key = f"cache/{engine}/{voice}/{shard}/{digest}.mp3"
    if not CLIP_RE.fullmatch(key) or not digest.startswith(shard):
        raise ApiError(404, "not_found", "unknown clip", field="key")
    try:
        check_key(key)
    except ValueError:
        raise ApiError(404, "not_found", "unknown clip", field="key") from None
    served_key = clip_with_pause_key(key, pause_ms)
    path = storage.local_path(served_key)
    if path is None:
        data = storage.read(key)
        if not data:
            raise ApiError(404, "not_found", "unknown clip", field="key")
        try:
            body = clip_with_pause(data, pause_ms)
        except ValueError:
            raise ApiError(404, "not_found", "damaged clip", field="key") from None
        storage.write(served_key, body, durable=False)  # rebuilt from the cache if lost
        path = storage.local_path(served_key)
    if path is None:  # a store without local files
        raise ApiError(404, "not_found", "unknown clip", field="key")
    etag = f'"{key.rsplit("/", 1)[-1][:20]}-{pause_ms}"'
    return _serve(request, path, etag, key.rsplit("/", 1)[-1], IMMUTABLE)


def _serve(
    request: Request,
    path: PathLike,
    etag: str,
    filename: str,
    cache: str,
    disposition: str = "inline",
) -> Response:
    try:
        stat = os.stat(path)
    except FileNotFoundError:  # removed between the lookup and here
        raise ApiError(404, "not_found", "no such file", field="id") from None
    return serve_file(
        request,
        path,
        stat,
        etag=etag,
        media_type="audio/mpeg",
        filename=filename,
        headers={"Cache-Control": cache},
        content_disposition_type=disposition,
    )


@router.get(
    "/player/articles/{article_id}/download.mp3",
    response_class=Response,
    operation_id="download_article_audio",
    responses={**FILE_RESPONSES, **responses(404, 409, 416)},
)
def download_audio(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
) -> Response:
    """The finished MP3 as an attachment (the ``download`` attribute of a link is ignored
    across origins)."""
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    row = _visible(reader, session.get(Article, article_id))
    if row is None:
        raise ApiError(404, "not_found", f"no article with id {article_id}", field="id")
    path = storage.local_path(row.audio_key) if row.audio_key else None
    if path is None:
        raise ApiError(
            409,
            "not_ready",
            "the audio is not ready yet",
            field="id",
            headers={"Retry-After": str(RETRY_SECONDS)},
        )
    etag = f'"{row.id}-r{row.audio_revision}-{row.audio_bytes}"'
    return _serve(
        request,
        path,
        etag,
        _filename(row.title, row.id),
        "public, max-age=60, must-revalidate",
        disposition="attachment",
    )


def _filename(title: str | None, article_id: str) -> str:
    words = re.findall(r"\w+", title or "")
    name = "-".join(words)[:80].strip("-")
    return f"{name or article_id}.mp3"
