"""/v1/articles: post an article, follow its status, fetch its audio and playlist."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from loa.jobs import as_utc
from loa.storage.models import Article
from service.accel import audio_response, recent_audio, remember_audio
from service.deps import SessionDep, SettingsDep, StorageDep, WriteAccess
from service.errors import ApiError
from service.links import article_links
from service.queue import enqueue_article
from service.schemas import ArticleCreate, ArticlePublic, PlaylistPublic

router = APIRouter(prefix="/v1/articles", tags=["articles"])

ID_RE = re.compile(r"[0-9a-f]{32}")
ArticleId = Annotated[str, Path(description="The article id (32 hex characters).")]


def _check_id(article_id: str) -> str:
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    return article_id


def _load(session, article_id: str) -> Article:  # type: ignore[no-untyped-def]
    row = session.get(Article, _check_id(article_id))
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


def _content_hash(body: ArticleCreate, kind: str, source: str, captions: bool) -> str:
    material = {
        "kind": kind,
        "source": source,
        "title": body.title,
        "url": body.url if kind == "url" else None,
        "voice": body.voice,
        "captions": captions,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


@router.post(
    "",
    status_code=202,
    response_model=ArticlePublic,
    dependencies=[WriteAccess],
    responses={200: {"description": "Identical content: the existing article, unchanged."}},
)
def create_article(
    body: ArticleCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> JSONResponse:
    kind, source = _source_of(body, settings.max_chars)
    captions = settings.read_captions if body.captions is None else body.captions
    digest = _content_hash(body, kind, source, captions)
    title = (body.title or "").strip()

    if body.external_id is not None:
        existing = session.scalars(
            select(Article).where(
                Article.site == body.site, Article.external_id == body.external_id
            )
        ).first()
    else:
        existing = session.scalars(
            select(Article).where(
                Article.site == body.site,
                Article.external_id.is_(None),
                Article.content_hash == digest,
            )
        ).first()

    if existing is not None and existing.content_hash == digest and existing.status != "failed":
        return JSONResponse(to_public(request, existing).model_dump(mode="json"), status_code=200)

    if existing is not None:
        row = existing
        row.revision += 1
    else:
        row = Article(id=uuid.uuid4().hex, site=body.site, external_id=body.external_id,
                      revision=1)
        session.add(row)
    row.title = title
    row.author = body.author
    row.published_at = body.published_at
    row.url = body.url
    row.source_kind = kind
    row.source = source
    row.captions = captions
    row.voice = body.voice
    row.content_hash = digest
    row.status = "queued"
    row.error = None
    row.segments_done = 0
    row.segments_total = 0
    row.attempts = 0
    row.lease_until = None
    try:
        session.commit()
    except IntegrityError:
        # a concurrent post with the same site + external_id won the race: answer with it
        session.rollback()
        winner = session.scalars(
            select(Article).where(
                Article.site == body.site, Article.external_id == body.external_id
            )
        ).one()
        return JSONResponse(to_public(request, winner).model_dump(mode="json"), status_code=202)
    enqueue_article(settings, row.id, row.revision)
    public = to_public(request, row)
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


AUDIO_RESPONSES: dict[int | str, dict] = {
    200: {"content": {"audio/mpeg": {}}},
    206: {"description": "Partial content (Range)"},
    304: {"description": "Not modified (If-None-Match)"},
    409: {"description": "Not ready yet"},
    416: {"description": "Range not satisfiable"},
}


@router.head("/{article_id}/audio.mp3", response_class=FileResponse,
             responses=AUDIO_RESPONSES, operation_id="head_article_audio")
@router.get("/{article_id}/audio.mp3", response_class=FileResponse,
            responses=AUDIO_RESPONSES, operation_id="get_article_audio")
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


@router.delete("/{article_id}", status_code=204, dependencies=[WriteAccess])
def delete_article(
    article_id: ArticleId, session: SessionDep, storage: StorageDep
) -> Response:
    row = _load(session, article_id)
    session.delete(row)
    session.commit()
    storage.delete_prefix(f"articles/{row.id}")
    return Response(status_code=204)
