"""Public reads for players: an article's playable state (by id, or by site + external id), the
recent articles (for the demo page), segment clips for progressive playback, and a download.

``/v1/player/...`` answers 200 with ``"status": "unknown"`` for a well-formed id that matches no
article: a player embedded before its article is posted stays hidden without filling the host
page's console with errors. Malformed ids and sites are 404/422 like everywhere else.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select

from loa.clock import as_utc
from loa.progress import clip_with_pause, read_progress
from loa.storage.base import Storage, check_key
from loa.storage.models import Article
from service.deps import SessionDep, StorageDep
from service.errors import ApiError
from service.links import public_base_url

router = APIRouter(prefix="/v1", tags=["player"])

ID_RE = re.compile(r"[0-9a-f]{32}")
SITE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
EXTERNAL_ID_RE = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
CLIP_RE = re.compile(r"cache(/[A-Za-z0-9_.-]+)+\.mp3")
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
    return {k: s[k] for k in keep if k in s}


def _answer(state: dict[str, Any]) -> JSONResponse:
    # never cached: a cached "nothing to play" would hide the button once audio exists
    return JSONResponse(state, headers=NO_STORE)


ArticleId = Annotated[str, Path(description="The article id (32 hex characters).")]


@router.get("/player/articles/{article_id}")
def player_article(
    article_id: ArticleId, request: Request, session: SessionDep, storage: StorageDep
) -> JSONResponse:
    """The playable state of one article (``status: unknown`` when there is no such id)."""
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    return _answer(player_state(request, session.get(Article, article_id), storage))


@router.get("/player/lookup")
def player_lookup(
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    site: Annotated[str, Query(description="The site the CMS posted the article under.")],
    external_id: Annotated[str, Query(description="The CMS's own id of the article.")],
) -> JSONResponse:
    """Find an article by site + external id, so a CMS need not store Loa's ids."""
    if not SITE_RE.fullmatch(site):
        raise ApiError(422, "invalid_input", "site: lowercase letters, digits, . _ -", field="site")
    if not EXTERNAL_ID_RE.fullmatch(external_id):
        raise ApiError(
            422, "invalid_input", "external_id: 1 to 200 printable characters", field="external_id"
        )
    row = session.scalars(
        select(Article).where(Article.site == site, Article.external_id == external_id)
    ).first()
    return _answer(player_state(request, row, storage))


@router.get("/player/recent")
def recent_articles(
    request: Request,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    site: Annotated[str | None, Query(description="Only this site's articles.")] = None,
) -> JSONResponse:
    """The most recently posted articles with their status (for the demo page)."""
    query = select(Article).order_by(Article.created_at.desc()).limit(limit)
    if site is not None:
        if not SITE_RE.fullmatch(site):
            raise ApiError(
                422, "invalid_input", "site: lowercase letters, digits, . _ -", field="site"
            )
        query = query.where(Article.site == site)
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


@router.get("/clips/{key:path}")
def segment_clip(
    key: str,
    storage: StorageDep,
    pause_ms: Annotated[int, Query(ge=0, le=5000)] = 0,
) -> Response:
    """One synthesized segment followed by its pause, as it sits in the final file. The key is
    content-addressed (engine, voice, spoken text), so the answer never changes."""
    if not CLIP_RE.fullmatch(key):
        raise ApiError(404, "not_found", "unknown clip", field="key")
    try:
        check_key(key)
    except ValueError:
        raise ApiError(404, "not_found", "unknown clip", field="key") from None
    data = storage.read(key)
    if not data:
        raise ApiError(404, "not_found", "unknown clip", field="key")
    try:
        body = clip_with_pause(data, pause_ms)
    except ValueError:
        raise ApiError(404, "not_found", "damaged clip", field="key") from None
    return Response(
        body,
        media_type="audio/mpeg",
        headers={"Cache-Control": IMMUTABLE, "ETag": f'"{key.rsplit("/", 1)[-1][:20]}-{pause_ms}"'},
    )


@router.get("/player/articles/{article_id}/download.mp3", response_class=FileResponse)
def download_audio(article_id: ArticleId, session: SessionDep, storage: StorageDep) -> Response:
    """The finished MP3 as an attachment (the ``download`` attribute of a link is ignored
    across origins)."""
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    row = session.get(Article, article_id)
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
    return FileResponse(
        path,
        media_type="audio/mpeg",
        filename=_filename(row.title, row.id),
        headers={"Cache-Control": "public, max-age=60, must-revalidate"},
    )


def _filename(title: str | None, article_id: str) -> str:
    words = re.findall(r"\w+", title or "")
    name = "-".join(words)[:80].strip("-")
    return f"{name or article_id}.mp3"
