"""Dependencies declared once, as Annotated aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from loa import keys, ratelimit, site_settings
from loa.config import Settings
from loa.errors import InputError
from loa.keys import Principal
from loa.storage import Storage, get_storage
from loa.storage.db import new_session
from loa.storage.models import Article
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


def _needs_key() -> ApiError:
    """401 for a request without a key where one is needed."""
    return ApiError(
        401,
        "unauthorized",
        "this endpoint needs Authorization: Bearer <key>",
        field="Authorization",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _needs_key()
    return token


def get_principal(request: Request, settings: SettingsDep, session: SessionDep) -> Principal:
    """Who is calling. A key that is given but unknown, revoked or expired is a 401."""
    token = _bearer(request)
    # admin keys are checked without the database; site keys need one lookup by id
    principal = keys.authenticate(session if token else None, settings, token)
    if token and principal.kind == "anonymous":
        raise ApiError(
            401,
            "unauthorized",
            "the API key is not valid (unknown, revoked or expired)",
            field="Authorization",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_reader(request: Request, settings: SettingsDep, session: SessionDep) -> Principal:
    """Who is reading a public resource: as :func:`get_principal`, but a key that is not valid
    reads as nobody (a public read never fails for its Authorization header)."""
    try:
        return get_principal(request, settings, session)
    except ApiError:
        return keys.ANONYMOUS


ReaderDep = Annotated[Principal, Depends(get_reader)]


def _public_origin(settings: Settings) -> str:
    return site_settings.normalize_origin(settings.public_base_url)


def require_writer(
    request: Request, principal: PrincipalDep, settings: SettingsDep, session: SessionDep
) -> Principal:
    """A principal that may write somewhere: a key (when keys are set), within its rate, and,
    from a browser, on an allowed origin. Which site it may write is checked by the route
    (:func:`require_site_write`)."""
    if principal.kind == "anonymous":
        raise _needs_key()
    if principal.scope == "read":
        raise ApiError(403, "forbidden", "this key may only read", field="Authorization")
    origin = request.headers.get("origin")
    if origin and not _origin_ok(origin, principal, settings, session):
        raise ApiError(
            403,
            "origin_not_allowed",
            f"writes from the browser origin {origin[:200]!r} are not allowed for this key "
            "(a site's allowed_origins)",
            field="Origin",
        )
    if principal.key_id:
        limit_writes(settings, principal.key_id, "with this key", "Authorization")
    return principal


def limit_writes(settings: Settings, bucket: str, whose: str, field: str) -> None:
    """Count one write in ``bucket`` (LOA_WRITE_RATE_PER_MINUTE); 429 with Retry-After past
    it, naming ``field``."""
    decision = ratelimit.hit(settings.redis_url, bucket, settings.write_rate_per_minute)
    if not decision.allowed:
        raise ApiError(
            429,
            "rate_limited",
            f"more than {settings.write_rate_per_minute} writes a minute {whose}",
            field=field,
            headers={"Retry-After": str(decision.retry_after)},
        )


def _origin_ok(origin: str, principal: Principal, settings: Settings, session: Session) -> bool:
    try:
        if site_settings.normalize_origin(origin) == _public_origin(settings):
            return True  # Loa's own pages (the demo)
    except InputError:
        return False
    if principal.site is None:
        return False
    return site_settings.origin_allowed(site_settings.get(session, principal.site), origin)


WriterDep = Annotated[Principal, Depends(require_writer)]
WriteAccess = Depends(require_writer)


def require_admin(principal: PrincipalDep) -> Principal:
    if principal.kind == "anonymous":
        raise ApiError(
            401,
            "unauthorized",
            "this endpoint needs Authorization: Bearer <admin key>",
            field="Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not principal.is_admin:
        raise ApiError(403, "forbidden", "this endpoint needs an admin key", field="Authorization")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


def require_site_write(principal: Principal, site: str) -> None:
    """403 unless ``principal`` may write ``site``'s articles, lexicon, settings, artwork."""
    if not principal.may_write(site):
        raise ApiError(403, "forbidden", f"this key may not write the site {site!r}", field="site")


def require_site_read(principal: Principal, site: str) -> None:
    """403 unless ``principal`` may read ``site``'s private data (drafts, settings, log)."""
    if principal.kind == "anonymous":
        raise _needs_key()
    if not principal.may_read(site):
        raise ApiError(403, "forbidden", f"this key may not read the site {site!r}", field="site")


def may_see(principal: Principal, article: Article) -> bool:
    """Drafts (``published`` false) are private: only their own site's keys and admin keys
    (everyone, when Loa runs open) read them; to anyone else a draft does not exist (404)."""
    return article.published or principal.may_read(article.site)
