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
from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam

from service.deps import SettingsDep
from service.errors import ApiError

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
ID_RE = re.compile(r"[0-9a-f]{32}")
ASSET_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\.(css|js|svg)")
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
    except FileNotFoundError:
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


@router.api_route("/player.js", methods=["GET", "HEAD"])
def player_js(request: Request) -> Response:
    f = load_static("player.js")
    return _serve(request, f.body, f.etag, "js", ASSET_CACHE)


@router.api_route("/static/{name}", methods=["GET", "HEAD"])
def asset(name: str, request: Request) -> Response:
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


@router.api_route("/", methods=["GET", "HEAD"])
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


@router.api_route("/embed/{article_id}", methods=["GET", "HEAD"])
def embed_page(
    request: Request,
    article_id: Annotated[str, PathParam(description="The article id (32 hex characters).")],
) -> Response:
    """The player alone, for CMSs that only allow iframes."""
    if not ID_RE.fullmatch(article_id):
        raise ApiError(404, "not_found", "unknown article id", field="id")
    return _page(request, "embed.html", {"id": article_id, "version": _assets_version()})
