"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from loa.config import Settings, get_settings
from loa.logs import configure_logging
from service.errors import install_error_handlers
from service.middleware import BodySizeLimit
from service.routes import articles, health, player, public, publishing, sites
from service.schemas import ErrorResponse

logger = logging.getLogger(__name__)

#: Every error answer has the same JSON shape (ErrorResponse); listed once for the OpenAPI docs.
ERROR_STATUSES = {
    400: "Body is not valid JSON or UTF-8",
    401: "Missing or invalid API key (writes)",
    404: "Unknown id",
    413: "Request body too large",
    422: "A field is missing or invalid; `error.field` names it",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not settings.api_key_set:
            logger.warning(
                "\n%s\nLOA_API_KEYS is not set: ANYONE can post and delete articles.\n"
                "Set LOA_API_KEYS=key1,key2 before exposing this service.\n%s",
                "!" * 72,
                "!" * 72,
            )
        yield

    app = FastAPI(
        title="Loa",
        summary="Vietnamese articles to audio: read-aloud buttons, playlists, podcast feeds.",
        version="0.1.0",
        lifespan=lifespan,
        responses={
            status: {"model": ErrorResponse, "description": description}
            for status, description in ERROR_STATUSES.items()
        },
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(articles.router)
    app.include_router(sites.router)
    app.include_router(publishing.router)
    app.include_router(health.router)
    app.include_router(public.router)
    app.include_router(player.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # players on other sites read articles, playlists and audio (writes stay same-origin/CMS)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Range", "If-None-Match", "If-Range"],
        expose_headers=["Content-Range", "Accept-Ranges", "Content-Length", "ETag"],
        max_age=600,
    )
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory service.app:app_factory``."""
    return create_app()
