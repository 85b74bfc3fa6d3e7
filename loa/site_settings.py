"""A site's integration settings: webhook secret (write-only), callback URL, allowed origins.

Kept in their own table until they join the site's publishing resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from loa.config import Settings
from loa.errors import InputError
from loa.storage.models import SiteSettings

MAX_ORIGINS = 50
MIN_SECRET_CHARS = 16
MAX_SECRET_CHARS = 200


@dataclass(frozen=True)
class Change:
    """What a PUT changes; ``None`` leaves a value as it is, ``""``/``[]`` clears it."""

    webhook_secret: str | None = None
    callback_url: str | None = None
    allowed_origins: list[str] | None = None


def get(session: Session, site: str) -> SiteSettings | None:
    return session.get(SiteSettings, site)


def check_secret(secret: str) -> str:
    if secret and not (MIN_SECRET_CHARS <= len(secret) <= MAX_SECRET_CHARS):
        raise InputError(
            f"webhook_secret: must be {MIN_SECRET_CHARS}-{MAX_SECRET_CHARS} characters",
            field="webhook_secret",
        )
    if any(ord(c) < 0x21 or ord(c) > 0x7E for c in secret):
        raise InputError(
            "webhook_secret: printable ASCII without spaces only", field="webhook_secret"
        )
    return secret


def check_callback_url(url: str) -> str:
    """An http(s) URL with a host and no user name or password. Its address is checked (as an
    article URL's is) when each callback is sent, where the connection is pinned to the
    checked address: checking it here would prove nothing about later DNS answers."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise InputError(f"callback_url: not a valid URL ({exc})", field="callback_url") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError("callback_url: must be an http:// or https:// URL", field="callback_url")
    if parts.username is not None or parts.password is not None:
        raise InputError(
            "callback_url: user names and passwords in URLs are not accepted", field="callback_url"
        )
    return url


def normalize_origin(origin: str) -> str:
    """``https://Example.vn:443/`` -> ``https://example.vn``; InputError if not an origin."""
    raw = origin.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InputError(
            f"allowed_origins: {origin!r} is not an origin", "allowed_origins"
        ) from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if (
        scheme not in ("http", "https")
        or not host
        or parts.username is not None
        or parts.password is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise InputError(
            f"allowed_origins: {origin!r} is not an origin such as https://example.vn",
            field="allowed_origins",
        )
    if ":" in host:
        host = f"[{host}]"
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def apply(session: Session, site: str, change: Change, settings: Settings) -> SiteSettings:
    row = session.get(SiteSettings, site)
    if row is None:
        row = SiteSettings(site=site, allowed_origins=[])
        session.add(row)
    if change.webhook_secret is not None:
        row.webhook_secret = check_secret(change.webhook_secret) or None
    if change.callback_url is not None:
        row.callback_url = (
            check_callback_url(change.callback_url) if change.callback_url.strip() else None
        )
    if change.allowed_origins is not None:
        if len(change.allowed_origins) > MAX_ORIGINS:
            raise InputError(f"allowed_origins: at most {MAX_ORIGINS}", field="allowed_origins")
        row.allowed_origins = sorted({normalize_origin(o) for o in change.allowed_origins})
    session.flush()
    return row


def origin_allowed(row: SiteSettings | None, origin: str) -> bool:
    if row is None:
        return False
    try:
        wanted = normalize_origin(origin)
    except InputError:
        return False
    return wanted in (row.allowed_origins or [])
