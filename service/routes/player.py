"""The player and the pages around it: ``/`` (demo), ``/embed/{id}``, ``/player.js`` and assets.

Files are read from ``service/static`` (reloaded when they change on disk) and served with a
strong ETag (a hash of the bytes) and a Cache-Control that lets browsers and CDNs keep them a
while but revalidate: ``player.js`` is embedded under a fixed URL, so a new version must reach
every host page within minutes.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam

from service.deps import SettingsDep
from service.errors import ApiError
from service.openapi import responses

router = APIRouter(tags=["player"])

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
ID_PATTERN = "[0-9a-f]{32}"
ID_RE = re.compile(ID_PATTERN)
ASSET_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}\.(css|js|svg)"
ASSET_RE = re.compile(ASSET_PATTERN)
MEDIA_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "html": "text/html; charset=utf-8",
}
#: scripts and styles: cached 10 minutes, then revalidated with the ETag (a 304 costs little)
ASSET_CACHE = "public, max-age=600, stale-while-revalidate=3600"
#: pages depend on settings (API keys): always revalidated
PAGE_CACHE = "no-cache"

_CACHED_HEADERS: dict[str, Any] = {
    "ETag": {"description": "A hash of the bytes (strong).", "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}


def _documented(*media_types: str, errors: tuple[int, ...] = ()) -> dict[int | str, Any]:
    """``responses=`` of a route answering with ``_serve``: 200 in these types, 304, errors."""
    text = {"schema": {"type": "string"}}
    return {
        200: {
            "description": "The file.",
            "content": dict.fromkeys(media_types, text),
            "headers": _CACHED_HEADERS,
        },
        304: {"description": "Not modified (If-None-Match matched).", "headers": _CACHED_HEADERS},
        **responses(*errors),
    }


_HTML = _documented("text/html")
_EMBED = _documented("text/html", errors=(404,))
_SCRIPT = _documented("text/javascript")
_ASSET = _documented("text/css", "text/javascript", "image/svg+xml", errors=(404,))


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    etag: str
    mtime_ns: int


_files: dict[str, StaticFile] = {}


def load_static(name: str) -> StaticFile:
    path = STATIC_DIR / name
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:  # missing, or a name the filesystem refuses
        raise ApiError(404, "not_found", f"no asset {name}", field="path") from None
    cached = _files.get(name)
    if cached is None or cached.mtime_ns != mtime:
        body = path.read_bytes()
        cached = StaticFile(body, _etag(body), mtime)
        _files[name] = cached
    return cached


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in (t.strip().removeprefix("W/") for t in header.split(","))


def _serve(request: Request, body: bytes, etag: str, kind: str, cache: str) -> Response:
    headers = {"ETag": etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[kind], headers=headers)


@router.head(
    "/player.js", operation_id="head_player_js", response_class=Response, responses=_SCRIPT
)
@router.get("/player.js", operation_id="get_player_js", response_class=Response, responses=_SCRIPT)
def player_js(request: Request) -> Response:
    f = load_static("player.js")
    return _serve(request, f.body, f.etag, "js", ASSET_CACHE)


#: The assets there are: documented as an enum (any other name is a 404).
ASSETS = sorted(p.name for p in STATIC_DIR.iterdir() if ASSET_RE.fullmatch(p.name))
AssetName = Annotated[
    str,
    PathParam(
        description="A file of the player or the demo page.", json_schema_extra={"enum": ASSETS}
    ),
]


@router.head(
    "/static/{name}", operation_id="head_static_asset", response_class=Response, responses=_ASSET
)
@router.get(
    "/static/{name}", operation_id="get_static_asset", response_class=Response, responses=_ASSET
)
def asset(name: AssetName, request: Request) -> Response:
    if not ASSET_RE.fullmatch(name):
        raise ApiError(404, "not_found", f"no asset {name}", field="path")
    f = load_static(name)
    return _serve(request, f.body, f.etag, name.rsplit(".", 1)[1], ASSET_CACHE)


def _page(request: Request, name: str, values: dict[str, str]) -> Response:
    text = load_static(name).body.decode("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    body = text.encode("utf-8")
    return _serve(request, body, _etag(body), "html", PAGE_CACHE)


def _assets_version() -> str:
    """Changes whenever player.js or the demo's files change (cache-busting query)."""
    tags = "".join(load_static(n).etag for n in ("player.js", "demo.js", "demo.css"))
    return hashlib.sha256(tags.encode()).hexdigest()[:12]


@router.head("/", operation_id="head_demo_page", response_class=Response, responses=_HTML)
@router.get("/", operation_id="get_demo_page", response_class=Response, responses=_HTML)
def demo_page(request: Request, settings: SettingsDep) -> Response:
    """Paste an article, listen to it; the recent articles; the embed snippet."""
    return _page(
        request,
        "demo.html",
        {
            "needs_key": "true" if settings.api_key_set else "false",
            "version": _assets_version(),
        },
    )


@router.head(
    "/embed/{article_id}", operation_id="head_embed_page", response_class=Response, responses=_EMBED
)
@router.get(
    "/embed/{article_id}", operation_id="get_embed_page", response_class=Response, responses=_EMBED
)
def embed_page(
    request: Request,
    article_id: Annotated[
        str,
        PathParam(
            description="The article id (32 hex characters).",
            json_schema_extra={"pattern": f"^{ID_PATTERN}$"},
        ),
    ],
) -> Response:
    """The player alone, for CMSs that only allow iframes."""
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    return _page(request, "embed.html", {"id": article_id, "version": _assets_version()})
