"""/v1/articles: post an article, follow its status, fetch its audio and playlist."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from loa import articles
from loa.clock import as_utc
from loa.config import Settings
from loa.keys import Principal
from loa.storage.base import Storage
from loa.storage.models import Article
from service.accel import AudioFile as RecentAudio
from service.accel import accel_response, recent_audio, remember_audio
from service.deps import (
    ReaderDep,
    SessionDep,
    SettingsDep,
    StorageDep,
    WriterDep,
    may_see,
    require_site_write,
)
from service.errors import ApiError
from service.links import article_links
from service.openapi import AUTH_ERRORS, WRITE_ERRORS, responses
from service.queue import enqueue_all
from service.ranged_file import serve_file
from service.schemas import (
    ArticleCreate,
    ArticleLinks,
    ArticlePublic,
    PlaylistPublic,
    Progress,
    SynthesisCounters,
)

router = APIRouter(prefix="/v1/articles", tags=["articles"])

ID_PATTERN = "[0-9a-f]{32}"
ID_RE = re.compile(ID_PATTERN)
#: Documented with its pattern; an id that does not match is answered 404 (unknown id), never
#: 422, so probing ids tells nothing about the store.
ArticleId = Annotated[
    str,
    Path(
        description="The article id (32 hex characters).",
        json_schema_extra={"pattern": f"^{ID_PATTERN}$"},
    ),
]


def _check_id(article_id: str) -> str:
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    return article_id


def _load(session: Session, article_id: str, reader: Principal | None = None) -> Article:
    """The article, 404 if there is none or (with ``reader``) it is a draft they may not see."""
    row = articles.get(session, _check_id(article_id))
    if row is None or (reader is not None and not may_see(reader, row)):
        raise ApiError(404, "not_found", f"no article with id {article_id}", field="id")
    return row


def _links(request: Request, article_id: str) -> dict[str, str]:
    return article_links(request.app.state.settings, article_id)


def to_public(request: Request, row: Article) -> ArticlePublic:
    return ArticlePublic(
        id=row.id,
        site=row.site,
        external_id=row.external_id,
        title=row.title,
        status=row.status,  # type: ignore[arg-type]  # a str column; pydantic checks the Literal
        revision=row.revision,
        progress=Progress(done=row.segments_done, total=row.segments_total),
        duration=row.duration,
        engine=row.engine,
        engine_note=row.engine_note,
        voice=row.voice_used or row.voice,
        error=row.error,
        audio_revision=row.audio_revision,
        upgrade_pending=bool(row.upgrade_pending),
        synthesis=SynthesisCounters(
            segments_from_cache=row.segments_cached or 0,
            requests=row.online_requests or 0,
            retries=row.online_retries or 0,
        ),
        published=row.published,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        links=ArticleLinks(**_links(request, row.id)),
    )


def _source_of(body: ArticleCreate, max_chars: int) -> tuple[str, str]:
    """(kind, source) after checking that exactly one of text | html (| url) is given."""
    given = [name for name in ("text", "html") if getattr(body, name) is not None]
    if len(given) == 2:
        raise ApiError(422, "invalid_input", "give either text or html, not both", field="html")
    if not given:
        if body.url:
            return "url", ""
        raise ApiError(422, "invalid_input", "one of text, html or url is required", field="text")
    kind = given[0]
    value: str = getattr(body, kind)
    if "\x00" in value:
        raise ApiError(422, "invalid_input", "contains a NUL character", field=kind)
    value = unicodedata.normalize("NFC", value)
    if not value.strip():
        raise ApiError(422, "invalid_input", "must not be empty or blank", field=kind)
    limit = max_chars if kind == "text" else max_chars * 20
    if len(value) > limit:
        raise ApiError(
            422, "too_long", f"is {len(value)} characters; the limit is {limit}", field=kind
        )
    return kind, value


def _submission(body: ArticleCreate, settings: Settings) -> articles.Submission:
    kind, source = _source_of(body, settings.max_chars)
    return articles.Submission(
        site=body.site,
        external_id=body.external_id,
        title=body.title,
        source_kind=kind,
        source=source,
        url=body.url,
        author=body.author,
        published_at=body.published_at,
        voice=body.voice,
        engine=body.engine,
        captions=settings.read_captions if body.captions is None else body.captions,
        published=body.published,
    )


#: OpenAPI links: what a client (or a stateful fuzzer) can do next with the id it was given.
ARTICLE_LINKS: dict[str, Any] = {
    name: {"operationId": operation, "parameters": {"article_id": "$response.body#/id"}}
    for name, operation in {
        "GetArticle": "get_article",
        "GetAudio": "get_article_audio",
        "HeadAudio": "head_article_audio",
        "GetPlaylist": "get_article_playlist",
        "DeleteArticle": "delete_article",
    }.items()
}

LOCATION = {
    "description": "The article's URL.",
    "required": True,
    "schema": {"type": "string", "format": "uri"},
}


@router.post(
    "",
    status_code=202,
    response_model=ArticlePublic,
    operation_id="create_article",
    responses={
        200: {
            "description": "Identical content: the existing article, unchanged.",
            "model": ArticlePublic,
            "links": ARTICLE_LINKS,
        },
        202: {
            "description": "Accepted: a new article or a new revision, queued.",
            "headers": {"Location": LOCATION},
            "links": ARTICLE_LINKS,
        },
        **responses(*WRITE_ERRORS),
    },
)
def create_article(
    body: ArticleCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: WriterDep,
) -> JSONResponse:
    require_site_write(principal, body.site)
    result = articles.submit(session, _submission(body, settings))
    public = to_public(request, result.article)
    if not result.changed:
        return JSONResponse(public.model_dump(mode="json"), status_code=200)
    enqueue_all(settings, result.to_enqueue)
    return JSONResponse(
        public.model_dump(mode="json"),
        status_code=202,
        headers={"Location": public.links.self},
    )


@router.get(
    "/{article_id}",
    response_model=ArticlePublic,
    operation_id="get_article",
    responses=responses(404),
)
def get_article(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
) -> ArticlePublic:
    row = _load(session, article_id, reader)
    _follow_row(row, storage)
    return to_public(request, row)


def _audio_etag(row: Article) -> str:
    return f'"{row.id}-r{row.audio_revision}-{row.audio_bytes}"'


def _follow_row(row: Article, storage: Storage) -> None:
    """A remembered audio file older than the row (a new revision, an upgrade to the online
    engine) is replaced now: whoever read this status or playlist gets the matching audio at
    once, not within RECENT_SECONDS."""
    cached = recent_audio(row.id)
    if cached is None or not row.audio_key or cached.key == row.audio_key:
        return
    path = storage.local_path(row.audio_key)
    if path is not None:
        remember_audio(row.id, row.audio_key, path, _audio_etag(row))


def _not_ready(row: Article) -> ApiError:
    if row.status == "failed":
        return ApiError(409, "failed", f"the article failed: {row.error}", field="id")
    return ApiError(
        409,
        "not_ready",
        f"the audio is not ready yet (status {row.status}, "
        f"{row.segments_done}/{row.segments_total} segments)",
        field="id",
        headers={"Retry-After": "2"},
    )


NOT_READY = (
    "Not ready: the article is queued or processing (code not_ready, with Retry-After), "
    "or failed (code failed)."
)

_AUDIO_HEADERS: dict[str, Any] = {
    "ETag": {"description": "Changes with each revision's audio.", "schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"}},
    "Accept-Ranges": {"schema": {"type": "string", "enum": ["bytes"]}},
    "Cache-Control": {"schema": {"type": "string"}},
}

_WHOLE_FILE = {
    "description": "The whole MP3 (also when Range is absent, invalid or ignored).",
    "content": {"audio/mpeg": {"schema": {"type": "string", "format": "binary"}}},
    "headers": _AUDIO_HEADERS,
}
_NOT_MODIFIED = {
    "description": "Not modified (If-None-Match matched the ETag).",
    "headers": _AUDIO_HEADERS,
}

#: GET: Range is honoured (RFC 9110 section 14.2).
GET_AUDIO_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _WHOLE_FILE,
    206: {
        "description": "Partial content: one range (with Content-Range), or several as "
        "multipart/byteranges.",
        "content": {
            "audio/mpeg": {"schema": {"type": "string", "format": "binary"}},
            "multipart/byteranges": {"schema": {"type": "string", "format": "binary"}},
        },
        "headers": {
            **_AUDIO_HEADERS,
            "Content-Range": {
                "description": "bytes <first>-<last>/<size> (single range)",
                "schema": {"type": "string", "pattern": "^bytes [0-9]+-[0-9]+/[0-9]+$"},
            },
        },
    },
    304: _NOT_MODIFIED,
    **responses(404, 409, 416, descriptions={409: NOT_READY}),
}

#: HEAD: range handling is defined for GET only, so a Range on HEAD is ignored.
HEAD_AUDIO_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _WHOLE_FILE,
    304: _NOT_MODIFIED,
    **responses(404, 409, descriptions={409: NOT_READY}),
}


@router.head(
    "/{article_id}/audio.mp3",
    response_class=Response,
    responses=HEAD_AUDIO_RESPONSES,
    operation_id="head_article_audio",
)
@router.get(
    "/{article_id}/audio.mp3",
    response_class=Response,
    responses=GET_AUDIO_RESPONSES,
    operation_id="get_article_audio",
)
def get_audio(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    reader: ReaderDep,
) -> Response:
    """The article's MP3, with byte ranges as RFC 9110 says (see service/ranges.py):
    Range on GET (one or several ranges, suffix ranges), If-Range, If-None-Match. Which file it
    is, is remembered for a moment (no database round trip per range request); behind nginx the
    answer is an X-Accel-Redirect and nginx sends the bytes."""
    audio = recent_audio(article_id)  # only published articles are remembered
    if audio is None:
        row = _load(session, article_id, reader)
        if not row.audio_key:
            raise _not_ready(row)
        path = storage.local_path(row.audio_key)
        if path is None:
            raise _not_ready(row)
        etag = _audio_etag(row)
        if row.published:
            audio = remember_audio(row.id, row.audio_key, path, etag)
        else:
            audio = RecentAudio(row.audio_key, path, etag, 0.0)
    headers = {"Cache-Control": "public, max-age=60, must-revalidate"}
    filename = f"{article_id}.mp3"
    if settings.accel_redirect_prefix:
        return accel_response(request, settings, audio, headers, filename)
    try:
        stat = os.stat(audio.path)
    except FileNotFoundError:  # deleted (or replaced) between the lookup and here
        raise _not_ready(_load(session, article_id)) from None
    return serve_file(
        request,
        audio.path,
        stat,
        etag=audio.etag,
        media_type="audio/mpeg",
        filename=filename,
        headers=headers,
    )


@router.get(
    "/{article_id}/playlist.json",
    response_model=PlaylistPublic,
    operation_id="get_article_playlist",
    responses=responses(404, 409, descriptions={409: NOT_READY}),
)
def get_playlist(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
) -> PlaylistPublic:
    row = _load(session, article_id, reader)
    _follow_row(row, storage)
    if not row.playlist:
        raise _not_ready(row)
    return PlaylistPublic(
        id=row.id,
        title=row.title,
        audio=_links(request, row.id)["audio"],
        duration=row.playlist["duration"],
        segments=row.playlist["segments"],
    )


@router.delete(
    "/{article_id}",
    status_code=204,
    operation_id="delete_article",
    responses={204: {"description": "Deleted, with its audio."}, **responses(*AUTH_ERRORS, 404)},
)
def delete_article(
    article_id: ArticleId, session: SessionDep, storage: StorageDep, principal: WriterDep
) -> Response:
    row = _load(session, article_id)
    require_site_write(principal, row.site)
    articles.delete(session, storage, row)
    return Response(status_code=204)
