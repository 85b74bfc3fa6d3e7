"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from loa.config import Settings, get_settings
from loa.keys import check_production
from loa.logs import configure_logging
from service import openapi
from service.errors import install_error_handlers
from service.metrics import Metrics
from service.middleware import AdmissionGate, BodySizeLimit, ConcurrencyLimit, RequestMetrics
from service.preflight import WritePreflight
from service.routes import articles, health, keys, player, public, publishing, sites, webhook
from service.routes import metrics as metrics_route

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    check_production(settings)  # LOA_ENV=production never starts open

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # endpoint threads = database pool size (loa.storage.db.pool_size): no endpoint thread
        # ever waits for a connection
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
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
    app.include_router(publishing.router)
    app.include_router(keys.router)
    app.include_router(webhook.router)
    app.include_router(health.router)
    app.include_router(public.router)
    app.include_router(player.router)
    app.include_router(metrics_route.router)
    app.state.metrics = Metrics(settings)
    # the last added runs first: metrics see every answer, 503s included; the gate is inside
    # the body reader, so a slow body holds no slot
    app.add_middleware(AdmissionGate, slots=settings.api_threads)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout
    )
    app.add_middleware(ConcurrencyLimit, max_requests=settings.max_concurrent_requests)
    # players on other sites read articles, playlists and audio (writes stay same-origin/CMS);
    # outside the concurrency limit, so a 503 still reaches the player with its CORS headers
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Range", "If-None-Match", "If-Range"],
        expose_headers=["Content-Range", "Accept-Ranges", "Content-Length", "ETag", "Retry-After"],
        max_age=600,
    )
    # write preflights only from origins a site allows (the write itself is checked again)
    app.add_middleware(WritePreflight, database_url=settings.sqlalchemy_url)
    app.add_middleware(RequestMetrics, counter=app.state.metrics.requests)
    openapi.install(app, settings)  # error answers are documented per route (service/openapi.py)
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory service.app:app_factory``."""
    return create_app()
