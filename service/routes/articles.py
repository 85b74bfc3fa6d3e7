"""/v1/articles: post an article, follow its status, fetch its audio and playlist."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.orm import Session

from loa import articles
from loa.clock import as_utc
from loa.config import Settings
from loa.storage.models import Article
from service.accel import audio_response, recent_audio, remember_audio
from service.deps import SessionDep, SettingsDep, StorageDep, WriterDep, require_site_write
from service.errors import ApiError
from service.links import article_links
from service.queue import enqueue_all
from service.schemas import ArticleCreate, ArticlePublic, PlaylistPublic

router = APIRouter(prefix="/v1/articles", tags=["articles"])

ID_RE = re.compile(r"[0-9a-f]{32}")
ArticleId = Annotated[str, Path(description="The article id (32 hex characters).")]


def _check_id(article_id: str) -> str:
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    return article_id


def _load(session: Session, article_id: str) -> Article:
    row = articles.get(session, _check_id(article_id))
    if row is None:
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
        status=row.status,  # type: ignore[arg-type]
        revision=row.revision,
        progress={"done": row.segments_done, "total": row.segments_total},  # type: ignore[arg-type]
        duration=row.duration,
        engine=row.engine,
        engine_note=row.engine_note,
        voice=row.voice_used or row.voice,
        error=row.error,
        audio_revision=row.audio_revision,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        links=_links(request, row.id),  # type: ignore[arg-type]
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
        captions=settings.read_captions if body.captions is None else body.captions,
    )


@router.post(
    "",
    status_code=202,
    response_model=ArticlePublic,
    responses={200: {"description": "Identical content: the existing article, unchanged."}},
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


@router.get("/{article_id}", response_model=ArticlePublic)
def get_article(article_id: ArticleId, request: Request, session: SessionDep) -> ArticlePublic:
    return to_public(request, _load(session, article_id))


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


AUDIO_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"audio/mpeg": {}}},
    206: {"description": "Partial content (Range)"},
    304: {"description": "Not modified (If-None-Match)"},
    409: {"description": "Not ready yet"},
    416: {"description": "Range not satisfiable"},
}


@router.head(
    "/{article_id}/audio.mp3",
    response_class=FileResponse,
    responses=AUDIO_RESPONSES,
    operation_id="head_article_audio",
)
@router.get(
    "/{article_id}/audio.mp3",
    response_class=FileResponse,
    responses=AUDIO_RESPONSES,
    operation_id="get_article_audio",
)
def get_audio(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> Response:
    audio = recent_audio(article_id)  # no database round trip per range request
    if audio is None:
        row = _load(session, article_id)
        if not row.audio_key:
            raise _not_ready(row)
        path = storage.local_path(row.audio_key)
        if path is None:
            raise _not_ready(row)
        etag = f'"{row.id}-r{row.audio_revision}-{row.audio_bytes}"'
        audio = remember_audio(row.id, row.audio_key, path, etag)
    etag = audio.etag
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=60, must-revalidate",
        "Accept-Ranges": "bytes",
    }
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return audio_response(settings, audio.key, audio.path, headers, f"{article_id}.mp3")


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in candidates


@router.get("/{article_id}/playlist.json", response_model=PlaylistPublic)
def get_playlist(article_id: ArticleId, request: Request, session: SessionDep) -> PlaylistPublic:
    row = _load(session, article_id)
    if not row.playlist:
        raise _not_ready(row)
    return PlaylistPublic(
        id=row.id,
        title=row.title,
        audio=_links(request, row.id)["audio"],
        duration=row.playlist["duration"],
        segments=row.playlist["segments"],
    )


@router.delete("/{article_id}", status_code=204)
def delete_article(
    article_id: ArticleId, session: SessionDep, storage: StorageDep, principal: WriterDep
) -> Response:
    row = _load(session, article_id)
    require_site_write(principal, row.site)
    articles.delete(session, storage, row)
    return Response(status_code=204)
