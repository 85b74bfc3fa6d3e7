"""Publishing a site: its metadata and artwork, podcast feed, playlists (JSON and HLS),
transcripts, and immutable content-addressed audio (/v1/audio/{address}.mp3)."""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from loa import articles, progress, site_settings, sites
from loa.clock import as_utc
from loa.contracts import is_site_name
from loa.engines.registry import AUTO, voices_by_engine
from loa.keys import Principal
from loa.publishing import feed, hls, transcripts
from loa.publishing.artwork import check_artwork, default_artwork
from loa.publishing.playlists import IMMUTABLE_CACHE_CONTROL, site_playlist_json
from loa.publishing.site import parse_site, parse_site_voice
from loa.storage.base import Storage
from loa.storage.models import Article, AudioFile, Site
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
from service.links import public_base_url
from service.openapi import AUTH_ERRORS, WRITE_ERRORS, responses
from service.queue import enqueue_all
from service.ranged_file import serve_file
from service.routes.articles import GET_AUDIO_RESPONSES, HEAD_AUDIO_RESPONSES
from service.routes.sites import SitePath
from service.schemas import SitePlaylistPublic, SitePublic, SiteUpdate

router = APIRouter(tags=["publishing"])

ADDRESS_RE = re.compile(r"[0-9a-f]{32}")
ID_RE = re.compile(r"[0-9a-f]{32}")
M3U8_TYPE = f"{hls.CONTENT_TYPE}; charset=utf-8"
# what changes (feeds, playlists): cached briefly, always revalidated
REVALIDATE = "public, max-age=0, must-revalidate"

Address = Annotated[
    str,
    Path(
        description="Content address of the audio (32 hex digits).",
        json_schema_extra={"pattern": "^[0-9a-f]{32}$"},
    ),
]
ArticleId = Annotated[
    str,
    Path(
        description="The article id (32 hex characters).",
        json_schema_extra={"pattern": "^[0-9a-f]{32}$"},
    ),
]
ArtworkName = Annotated[
    str,
    Path(
        description="default.png (Loa's own) or <content address>.png|.jpg",
        json_schema_extra={"pattern": "^(default[.]png|[0-9a-f]{32}[.](png|jpg))$"},
    ),
]
TEXT = {"schema": {"type": "string"}}
INTEGRATION_FIELDS = ("webhook_secret", "callback_url", "allowed_origins")


def _urls(request: Request) -> sites.Urls:
    """Links come from LOA_PUBLIC_URL, never from the request's Host header (behind a proxy
    it could poison caches), as every other answer's links do."""
    return sites.Urls(public_base_url(request.app.state.settings))


def _check_site(site: str) -> str:
    if not is_site_name(site):
        raise ApiError(
            422,
            "invalid_input",
            "site must be 1-100 of a-z 0-9 . _ - and start with a letter or digit",
            field="site",
        )
    return site


def _site_row(session: Session, site: str) -> Site:
    row = sites.get_site(session, _check_site(site))
    if row is None:
        raise ApiError(
            404,
            "not_found",
            f"site {site} has no publishing metadata yet (PUT /v1/sites/{site})",
            field="site",
        )
    return row


def _article(session: Session, article_id: str, reader: Principal) -> Article:
    """The article; 404 also for a draft the reader may not see."""
    row = articles.get(session, article_id) if ID_RE.fullmatch(article_id) else None
    if row is None or not may_see(reader, row):
        raise ApiError(404, "not_found", f"no article with id {article_id}", field="id")
    return row


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in [t.strip().removeprefix("W/") for t in header.split(",")]


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(as_utc(moment) or moment, usegmt=True)


def _not_modified_since(header: str | None, moment: datetime) -> bool:
    if not header:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    changed = as_utc(moment) or moment
    return since.tzinfo is not None and changed.replace(microsecond=0) <= since


def _conditional(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    last_modified: datetime | None = None,
    cache_control: str = REVALIDATE,
) -> Response:
    """``body`` with a strong ETag (its SHA-256), Last-Modified, and 304 when the client has
    it (If-None-Match wins over If-Modified-Since, as RFC 9110 says). HEAD gets the headers."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if last_modified is not None:
        headers["Last-Modified"] = _http_date(last_modified)
    match = request.headers.get("if-none-match")
    if match is not None:
        if _etag_matches(match, etag):
            return Response(status_code=304, headers=headers)
    elif last_modified is not None and _not_modified_since(
        request.headers.get("if-modified-since"), last_modified
    ):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=media_type)
    return Response(body, headers=headers, media_type=media_type)


# --- the site and its artwork --------------------------------------------------------------


def _site_public(
    request: Request, row: Site, private: bool, requeued: int | None = None
) -> SitePublic:
    """``private``: the caller may read the site's integration settings (the secret itself
    is never shown, only whether one is set)."""
    urls = _urls(request)
    base = f"{urls.base}/v1/sites/{row.site}"
    meta = sites.meta_of(row)
    return SitePublic(
        site=row.site,
        **meta.to_dict(),
        artwork_type=row.artwork_type,
        webhook_secret_set=bool(row.webhook_secret) if private else None,
        callback_url=row.callback_url if private else None,
        allowed_origins=list(row.allowed_origins or []),
        engine=row.engine,
        voice=row.voice,
        updated_at=as_utc(row.changed_at) or row.changed_at,
        requeued=requeued,
        links={  # type: ignore[arg-type]  # pydantic validates the dict into SiteLinks
            "feed": urls.feed(row.site),
            "playlist_json": f"{base}/playlist.json",
            "playlist_m3u8": f"{base}/playlist.m3u8",
            "artwork": urls.artwork(row.site, row),
        },
    )


@router.get("/v1/sites/{site}", response_model=SitePublic, responses=responses(404, 422))
def get_site(
    site: SitePath, request: Request, session: SessionDep, reader: ReaderDep
) -> SitePublic:
    row = _site_row(session, site)
    return _site_public(request, row, reader.may_read(row.site))


@router.put(
    "/v1/sites/{site}",
    response_model=SitePublic,
    responses=responses(*WRITE_ERRORS),
)
def put_site(
    site: SitePath,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    body: SiteUpdate,
    principal: WriterDep,
) -> SitePublic:
    """Create or replace the site: its publishing metadata, default engine and voice, and
    integration settings (422 names a bad field). A changed intro or outro makes the site's
    articles again (only those segments are synthesized); a new engine or voice applies to
    articles made from then on. The webhook secret is write-only: omitted, the stored one is
    kept; null removes it."""
    require_site_write(principal, _check_site(site))
    data = body.model_dump(exclude_unset=True)
    wanted = {name: data.pop(name, None) for name in INTEGRATION_FIELDS}
    meta = parse_site(data)
    voice = parse_site_voice(data, voices_by_engine(), auto=AUTO)
    integration = site_settings.parse(set(body.model_fields_set), **wanted)
    row, spoken_changed = sites.put_site(session, site, meta, voice, integration)
    requeued = None
    if spoken_changed:
        work = articles.requeue_site(session, site)
        enqueue_all(settings, work)
        requeued = len(work)
    return _site_public(request, row, True, requeued)


ARTWORK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.put(
    "/v1/sites/{site}/artwork",
    response_model=SitePublic,
    openapi_extra=ARTWORK_BODY,
    responses=responses(*AUTH_ERRORS, 404, 408, 413, 415, 422),
)
async def put_artwork(
    site: SitePath, request: Request, session: SessionDep, principal: WriterDep
) -> SitePublic:
    """The site's artwork as the body: PNG or JPEG, square, 1400-3000 px, RGB."""
    require_site_write(principal, _check_site(site))
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() not in ("image/png", "image/jpeg"):
        raise ApiError(
            415,
            "unsupported_media_type",
            "artwork must be image/png or image/jpeg",
            field="artwork",
        )
    artwork = check_artwork(await request.body(), content_type)
    row = sites.put_artwork(session, _site_row(session, site).site, artwork)
    return _site_public(request, row, True)


BINARY = {"schema": {"type": "string", "format": "binary"}}
NOT_MODIFIED: dict[str, Any] = {"description": "Not modified (If-None-Match matched the ETag)."}
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The image.", "content": {"image/png": BINARY, "image/jpeg": BINARY}},
    304: NOT_MODIFIED,
    **responses(404, 422),
}


@router.head("/v1/sites/{site}/artwork/{name}", responses=IMAGE_RESPONSES, include_in_schema=False)
@router.get("/v1/sites/{site}/artwork/{name}", responses=IMAGE_RESPONSES)
def get_artwork(
    site: SitePath, name: ArtworkName, request: Request, session: SessionDep
) -> Response:
    """The site's artwork at its immutable address, or Loa's default (default.png)."""
    _check_site(site)
    row = sites.get_site(session, site)
    if name == sites.DEFAULT_ARTWORK_NAME:
        artwork = default_artwork()
    else:
        address, _, extension = name.partition(".")
        if (
            row is None
            or row.artwork_address != address
            or row.artwork_type is None
            or sites.ARTWORK_EXTENSIONS[row.artwork_type] != extension
        ):
            raise ApiError(404, "not_found", f"no artwork {name} for site {site}", field="name")
        artwork = sites.artwork_of(session, site)
    return _conditional(
        request, artwork.data, artwork.content_type, cache_control=IMMUTABLE_CACHE_CONTROL
    )


# --- the feed and the site playlists -------------------------------------------------------


@router.head("/v1/sites/{site}/feed.xml", include_in_schema=False)
@router.get(
    "/v1/sites/{site}/feed.xml",
    responses={
        200: {
            "description": "The feed.",
            "content": {feed.CONTENT_RSS: {"schema": {"type": "string"}}},
        },
        304: NOT_MODIFIED,
        **responses(404, 422),
    },
)
def get_feed(
    site: SitePath, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The site's podcast feed (RSS 2.0, itunes and Podcasting 2.0): its ready, published
    articles, newest first, each with its immutable audio URL."""
    row = _site_row(session, site)
    urls = _urls(request)
    items = [
        sites.feed_item(p, urls)
        for p in sites.published_articles(session, row.site, settings.feed_max_items)
    ]
    changed = as_utc(row.changed_at) or row.changed_at
    body = feed.build_feed(
        sites.meta_of(row), urls.feed(row.site), urls.artwork(row.site, row), items, changed
    )
    return _conditional(request, body, feed.CONTENT_TYPE, last_modified=changed)


@router.get(
    "/v1/sites/{site}/playlist.json",
    response_model=SitePlaylistPublic,
    responses={304: NOT_MODIFIED, **responses(422)},
)
def get_site_playlist(
    site: SitePath, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The site's latest ready, published articles (LOA_SITE_PLAYLIST_SIZE), newest first."""
    _check_site(site)
    urls = _urls(request)
    items = [
        sites.feed_item(p, urls)
        for p in sites.published_articles(session, site, settings.site_playlist_size)
    ]
    body = json.dumps(site_playlist_json(site, items), ensure_ascii=False).encode()
    return _conditional(request, body, "application/json")


def _hls_segments(urls: sites.Urls, row: AudioFile, title: str) -> list[hls.HlsSegment]:
    """One HLS segment per synthesized segment of this file (cut where the clip begins)."""
    starts = [float(s[0]) for s in row.segments] or [0.0]
    ends = [*starts[1:], float(row.duration)]
    texts = [str(s[2]) for s in row.segments] or [title]
    return [
        hls.HlsSegment(urls.audio_segment(row.address, i), max(0.001, end - start), text)
        for i, (start, end, text) in enumerate(zip(starts, ends, texts, strict=True))
    ]


@router.get(
    "/v1/sites/{site}/playlist.m3u8",
    responses={
        200: {"description": "HLS media playlist.", "content": {hls.CONTENT_TYPE: TEXT}},
        304: NOT_MODIFIED,
        **responses(422),
    },
)
def get_site_m3u8(
    site: SitePath, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The site's latest articles one after another, as one HLS playlist."""
    _check_site(site)
    urls = _urls(request)
    chosen = sites.published_articles(session, site, settings.site_playlist_size)
    files = sites.audio_rows(session, [p.address for p in chosen])
    chained = [_hls_segments(urls, files[p.address], p.title) for p in chosen]
    return _conditional(request, hls.site_playlist(chained).encode(), M3U8_TYPE)


# --- one article: HLS playlist and transcript ----------------------------------------------


def _not_ready(row: Article) -> ApiError:
    if row.status == "failed":
        return ApiError(409, "failed", f"the article failed: {row.error}", field="id")
    return ApiError(
        409,
        "not_ready",
        f"the audio is not ready yet (status {row.status})",
        field="id",
        headers={"Retry-After": "2"},
    )


def _revision_segment_url(urls: sites.Urls, article_id: str, revision: int, index: int) -> str:
    return f"{urls.base}/v1/articles/{article_id}/r{revision}/seg/{index}.mp3"


@router.get(
    "/v1/articles/{article_id}/playlist.m3u8",
    responses={
        200: {"description": "HLS media playlist.", "content": {hls.CONTENT_TYPE: TEXT}},
        304: NOT_MODIFIED,
        **responses(404, 409, descriptions={409: "The article failed."}),
    },
)
def get_article_m3u8(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
) -> Response:
    """HLS: while the article is first being made, an EVENT playlist of the segments done so
    far (without EXT-X-ENDLIST; a player polls it and segments are only appended); once its
    audio is complete, the same segment URIs with EXT-X-ENDLIST."""
    row = _article(session, article_id, reader)
    urls = _urls(request)
    current = sites.current_audio(session, row)
    if current is not None and row.audio_revision is not None:
        segments = [
            hls.HlsSegment(
                _revision_segment_url(urls, row.id, row.audio_revision, i), s.duration, s.title
            )
            for i, s in enumerate(_hls_segments(urls, current, row.title))
        ]
        body = hls.article_playlist(segments, complete=True)
    elif row.status == "failed":
        raise _not_ready(row)
    else:
        partial = progress.read_progress(storage, row.id, row.revision) or {}
        done = partial.get("segments") or []
        segments = [
            hls.HlsSegment(
                _revision_segment_url(urls, row.id, row.revision, i),
                float(item["duration"]) + int(item.get("pause_ms", 0)) / 1000,
                str(item.get("text", "")),
            )
            for i, item in enumerate(done)
        ]
        body = hls.article_playlist(segments, complete=False)
    return _conditional(request, body.encode(), M3U8_TYPE)


@router.get(
    "/v1/articles/{article_id}/r{revision}/seg/{index}.mp3",
    responses={
        200: {"description": "HLS packed-audio segment.", "content": {"audio/mpeg": BINARY}},
        304: NOT_MODIFIED,
        **responses(404, 422),
    },
)
def get_article_segment(
    article_id: ArticleId,
    revision: Annotated[int, Path(ge=1)],
    index: Annotated[int, Path(ge=0, le=100_000)],
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    reader: ReaderDep,
) -> Response:
    """One HLS segment of an article's revision: cut from its finished file once there is one,
    else its clip and pause from the partial playlist while the revision is being made."""
    row = _article(session, article_id, reader)
    current = sites.current_audio(session, row)
    if current is not None and row.audio_revision == revision:
        return _file_segment(request, storage, current, index)
    partial = (
        progress.read_progress(storage, row.id, revision) if row.revision == revision else None
    )
    done = (partial or {}).get("segments") or []
    if index >= len(done):
        raise ApiError(404, "not_found", f"no segment {index} yet", field="index")
    item = done[index]
    clip = storage.read(str(item["clip"]))
    if clip is None:
        raise ApiError(404, "not_found", f"no segment {index}", field="index")
    frames = progress.clip_with_pause(clip, int(item.get("pause_ms", 0)))
    body = hls.packed_audio_segment(frames, float(item["start"]))
    return _conditional(request, body, "audio/mpeg", cache_control="no-cache")


@router.get(
    "/v1/articles/{article_id}/transcript.vtt",
    responses={
        200: {"description": "WebVTT.", "content": {"text/vtt": TEXT}},
        304: NOT_MODIFIED,
        **responses(404, 409, descriptions={409: "Not ready yet (or failed)."}),
    },
)
def get_transcript(
    article_id: ArticleId, request: Request, session: SessionDep, reader: ReaderDep
) -> Response:
    """WebVTT of the current audio: the reader's text, one cue a segment."""
    row = _article(session, article_id, reader)
    current = sites.current_audio(session, row)
    if current is None:
        raise _not_ready(row)
    timings: Sequence[tuple[float, float, str]] = [
        (float(s[0]), float(s[1]), str(s[2])) for s in current.segments
    ]
    body = transcripts.webvtt(timings, current.duration).encode()
    return _conditional(request, body, transcripts.CONTENT_TYPE)


# --- immutable audio -----------------------------------------------------------------------


def _live(session: Session, address: str, retention_hours: float) -> AudioFile:
    row = (
        sites.live_audio(session, address, retention_hours)
        if ADDRESS_RE.fullmatch(address)
        else None
    )
    if row is None:
        raise ApiError(404, "not_found", f"no audio {address}", field="address")
    return row


GET_IMMUTABLE: dict[int | str, dict[str, Any]] = {
    k: v for k, v in GET_AUDIO_RESPONSES.items() if k != 409
}
HEAD_IMMUTABLE: dict[int | str, dict[str, Any]] = {
    k: v for k, v in HEAD_AUDIO_RESPONSES.items() if k != 409
}


@router.head(
    "/v1/audio/{address}.mp3",
    response_class=Response,
    responses=HEAD_IMMUTABLE,
    operation_id="head_immutable_audio",
)
@router.get(
    "/v1/audio/{address}.mp3",
    response_class=Response,
    responses=GET_IMMUTABLE,
    operation_id="get_immutable_audio",
)
def get_immutable_audio(
    address: Address,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> Response:
    """One rendered revision's MP3: these bytes, forever (while the article exists, and
    LOA_REPLACED_AUDIO_RETENTION_HOURS after it is replaced)."""
    row = _live(session, address, settings.replaced_audio_retention_hours)
    path = storage.local_path(row.key)
    if path is None:
        raise ApiError(404, "not_found", f"no audio {address}", field="address")
    try:
        stat = os.stat(path)
    except FileNotFoundError:  # forgotten between the lookup and here
        raise ApiError(404, "not_found", f"no audio {address}", field="address") from None
    return serve_file(
        request,
        path,
        stat,
        etag=f'"{row.address}"',
        media_type="audio/mpeg",
        filename=f"{row.address}.mp3",
        headers={"Cache-Control": IMMUTABLE_CACHE_CONTROL},
    )


@router.get(
    "/v1/audio/{address}/seg/{index}.mp3",
    responses={
        200: {"description": "HLS packed-audio segment.", "content": {"audio/mpeg": BINARY}},
        304: NOT_MODIFIED,
        **responses(404, 422),
    },
)
def get_audio_segment(
    address: Address,
    index: Annotated[int, Path(ge=0, le=100_000)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> Response:
    """One HLS packed-audio segment of an immutable file (its ID3 timestamp, then frames)."""
    row = _live(session, address, settings.replaced_audio_retention_hours)
    return _file_segment(request, storage, row, index)


def _file_segment(request: Request, storage: Storage, row: AudioFile, index: int) -> Response:
    """Segment ``index`` of a finished file, cut where its clip begins."""
    starts = [float(s[0]) for s in row.segments] or [0.0]
    if index >= len(starts):
        raise ApiError(404, "not_found", f"no segment {index}", field="index")
    data = storage.read(row.key)
    if data is None:
        raise ApiError(404, "not_found", f"no audio {row.address}", field="address")
    piece = hls.cut(data, starts)[index]
    body = hls.packed_audio_segment(piece.frames, piece.start)
    return _conditional(request, body, "audio/mpeg", cache_control=IMMUTABLE_CACHE_CONTROL)
