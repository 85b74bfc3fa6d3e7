"""Dependencies declared once, as Annotated aliases."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from loa.config import Settings
from loa.storage import Storage, get_storage
from loa.storage.db import new_session
from service.errors import ApiError

# The dependencies are ``async def`` where they do no I/O: FastAPI runs a plain ``def``
# dependency in the endpoint thread pool, a thread hop per dependency per request.


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def _finish(session: Session, ok: bool) -> None:
    try:
        if ok:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def get_session(settings: SettingsDep) -> AsyncIterator[Session]:
    """A session that commits when the endpoint succeeds and rolls back when it fails.

    Opened without I/O (a session takes its connection at its first query, in the endpoint's
    thread); finished in a thread of its own, outside the endpoint thread pool, so giving a
    connection back never waits for an endpoint thread."""
    session = new_session(settings.sqlalchemy_url)
    try:
        yield session
    except BaseException:
        await anyio.to_thread.run_sync(_finish, session, False, limiter=CapacityLimiter(1))
        raise
    if not session.in_transaction():  # never touched the database: nothing to finish
        session.close()
        return
    await anyio.to_thread.run_sync(_finish, session, True, limiter=CapacityLimiter(1))


#: ``scope="function"``: the session is finished (its connection back in the pool) as soon as
#: the endpoint returns, before the answer is sent. With the default scope it would stay open
#: while a slow client downloads the audio, and a few such clients would hold every connection.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_app_storage(settings: SettingsDep) -> Storage:
    return get_storage(settings)


StorageDep = Annotated[Storage, Depends(get_app_storage)]


async def require_api_key(request: Request, settings: SettingsDep) -> None:
    """Writes need ``Authorization: Bearer <key>`` when LOA_API_KEYS is set."""
    keys = settings.api_key_set
    if not keys:
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401,
            "unauthorized",
            "this endpoint needs Authorization: Bearer <key>",
            field="Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not any(hmac.compare_digest(token.encode(), k.encode()) for k in keys):
        raise ApiError(
            401,
            "unauthorized",
            "the API key is not valid",
            field="Authorization",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )


WriteAccess = Depends(require_api_key)
