"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from loa.config import Settings, get_settings
from loa.logs import configure_logging
from service import openapi
from service.errors import install_error_handlers
from service.middleware import BodySizeLimit
from service.routes import articles, health, sites

logger = logging.getLogger(__name__)


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
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(articles.router)
    app.include_router(sites.router)
    app.include_router(health.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    openapi.install(app, settings)  # error answers are documented per route (service/openapi.py)
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory service.app:app_factory``."""
    return create_app()
