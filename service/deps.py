"""Dependencies declared once, as Annotated aliases."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from loa.config import Settings
from loa.storage import Storage, get_storage
from loa.storage.db import session_scope
from service.errors import ApiError


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    with session_scope(settings.sqlalchemy_url) as session:
        yield session


#: ``scope="function"``: the session is closed (its connection back in the pool) as soon as the
#: endpoint returns, before the answer is sent. With the default scope it would stay open while a
#: slow client downloads the audio, and a few such clients would hold every connection.
#: FastAPI runs the close in a thread outside the endpoint thread pool, so it never waits for one.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_app_storage(settings: SettingsDep) -> Storage:
    return get_storage(settings)


StorageDep = Annotated[Storage, Depends(get_app_storage)]


def require_api_key(request: Request, settings: SettingsDep) -> None:
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
