"""Database engine, sessions and migrations (SQLite by default, PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


#: connections beyond the pool's size for callers outside the API's endpoint threads
#: (health checks, the metrics collector, shutdown)
POOL_OVERFLOW = 8
#: seconds to wait for a free connection; with the pool as large as the thread pool an
#: endpoint never waits, so reaching this means a leak, not load
POOL_TIMEOUT = 10


def pool_size() -> int:
    """One connection for each API endpoint thread (LOA_API_THREADS): an endpoint thread never
    waits for a connection that another request holds."""
    from loa.config import get_settings

    return get_settings().api_threads


#: every engine made in this process, so that a forked child can let go of them (``after_fork``)
_ENGINES: list[Engine] = []


def after_fork() -> None:
    """In a freshly forked process (a Celery child, a replacement child after
    LOA_WORKER_MAX_MEMORY_MB): give every inherited engine a new, empty pool without touching
    the parent's connections or the old pool's locks, which another thread of the parent (the
    sweep) may have held at the moment of the fork."""
    for engine in _ENGINES:
        engine.dispose(close=False)


@functools.lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    engine = _create_engine(url)
    _ENGINES.append(engine)
    return engine


def _create_engine(url: str) -> Engine:
    sizes = {"pool_size": pool_size(), "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_TIMEOUT}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **sizes
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # DB-API objects: untyped
            cur = dbapi_conn.cursor()
            # WAL: the API reads while the worker writes; busy_timeout: wait instead of failing
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, **sizes)


@functools.lru_cache(maxsize=8)
def _sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def new_session(url: str) -> Session:
    """A plain session (no connection until its first query); the caller finishes it."""
    return _sessionmaker(url)()


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = _sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    from alembic import command

    logger.info("migrating database schema")
    command.upgrade(alembic_config(url), "head")
