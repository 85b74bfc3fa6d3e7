"""API keys: admin keys (LOA_API_KEYS) and per-site keys kept hashed in the database.

A site key reads ``loa_<id>_<secret>``: ``id`` (16 hex) names the row and may be shown and
logged; ``secret`` is 32 random bytes (URL-safe base64). Only the SHA-256 of the whole key is
stored, and the key itself is shown once, when it is made.

Why SHA-256 and not a slow password hash (bcrypt, scrypt, argon2): slow hashes exist to make
guessing *low-entropy* secrets expensive. A key with 256 random bits cannot be guessed whatever
the hash, so a slow one would add nothing against a stolen table, while costing ~100 ms of CPU
on every authenticated request: a denial of service handed to anyone who sends bogus keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.clock import as_utc, now
from loa.config import Settings
from loa.storage.models import ApiKey

Scope = Literal["write", "read"]
SCOPES: tuple[Scope, ...] = ("write", "read")
KEY_RE = re.compile(r"loa_([0-9a-f]{16})_[A-Za-z0-9_-]{43}")
KEY_ID_RE = re.compile(r"[0-9a-f]{16}")


class KeyProblem(Exception):
    """A key that cannot be made or found."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: an admin (LOA_API_KEYS, or anyone when Loa runs open), a site key with
    its scope, or nobody (no key where keys are required)."""

    kind: Literal["admin", "site", "anonymous"]
    site: str | None = None
    scope: Scope | None = None
    key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    def may_write(self, site: str) -> bool:
        return self.is_admin or (self.site == site and self.scope == "write")

    def may_read(self, site: str) -> bool:
        """Private reads of a site (drafts, settings, delivery log)."""
        return self.is_admin or self.site == site


ADMIN = Principal("admin")
ANONYMOUS = Principal("anonymous")


@dataclass(frozen=True)
class NewKey:
    """A key just made: ``key`` is its only appearance in plain text."""

    row: ApiKey
    key: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    session: Session,
    site: str,
    scope: Scope = "write",
    *,
    expires_at: datetime | None = None,
    label: str | None = None,
) -> NewKey:
    if scope not in SCOPES:
        raise KeyProblem(f"scope must be one of {', '.join(SCOPES)}")
    until = None
    if expires_at is not None:
        try:  # stored in UTC: SQLite keeps the wall-clock time and drops the offset
            until = as_utc(expires_at).astimezone(UTC)
        except OverflowError:
            raise KeyProblem("expires_at: out of range") from None
    key_id = secrets.token_hex(8)
    key = f"loa_{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        id=key_id,
        site=site,
        scope=scope,
        key_hash=hash_key(key),
        label=label,
        created_at=now(),
        expires_at=until,
    )
    session.add(row)
    session.flush()
    return NewKey(row, key)


def list_keys(session: Session, site: str) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.site == site).order_by(ApiKey.created_at))
    )


def revoke_key(session: Session, key_id: str) -> ApiKey | None:
    """Revoke (idempotent); None for an unknown id."""
    row = session.get(ApiKey, key_id) if KEY_ID_RE.fullmatch(key_id) else None
    if row is not None and row.revoked_at is None:
        row.revoked_at = now()
        session.flush()
    return row


def is_active(row: ApiKey, at: datetime | None = None) -> bool:
    at = at or now()
    if row.revoked_at is not None:
        return False
    return row.expires_at is None or as_utc(row.expires_at) > at


def admin_key_id(token: str) -> str:
    """A stable, non-secret name for an admin key (rate limits, logs)."""
    return "admin-" + hash_key(token)[:16]


def authenticate(session: Session | None, settings: Settings, token: str | None) -> Principal:
    """The principal a bearer token stands for. Without a token: admin when Loa runs open (no
    LOA_API_KEYS), else anonymous. An unknown, revoked or expired token: anonymous."""
    admin_keys = settings.api_key_set
    if not token:
        return ANONYMOUS if admin_keys else ADMIN
    for candidate in admin_keys:
        if hmac.compare_digest(token.encode(), candidate.encode()):
            return Principal("admin", key_id=admin_key_id(token))
    match = KEY_RE.fullmatch(token)
    if match is None or session is None:
        return ANONYMOUS
    row = session.get(ApiKey, match.group(1))
    if row is None or not hmac.compare_digest(row.key_hash, hash_key(token)):
        return ANONYMOUS
    if not is_active(row):
        return ANONYMOUS
    scope: Scope = "write" if row.scope == "write" else "read"
    return Principal("site", site=row.site, scope=scope, key_id=row.id)


class OpenInProduction(Exception):
    """LOA_ENV=production without an admin key."""


def check_production(settings: Settings) -> None:
    """Production refuses to run open: raise with what to set."""
    if settings.env == "production" and not settings.api_key_set:
        raise OpenInProduction(
            "LOA_ENV=production but LOA_API_KEYS is empty: anyone could write. Set "
            "LOA_API_KEYS=<one or more comma-separated admin keys> (for example "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`), '
            "or LOA_ENV=development to run open on a private machine."
        )
