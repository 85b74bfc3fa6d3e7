"""A site's integration settings: webhook secret (write-only), callback URL, allowed origins.

They are part of the sites resource (``PUT /v1/sites/{site}``) and columns of its row. PUT
replaces the site whole, but the secret is write-only and cannot be sent back as it was read:
an omitted ``webhook_secret`` keeps the stored one, ``null`` removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from loa.errors import InputError
from loa.storage.models import Site

MAX_ORIGINS = 50
MIN_SECRET_CHARS = 16
MAX_SECRET_CHARS = 200


KEEP = "keep"  # webhook_secret omitted from a PUT: the stored one stays


@dataclass(frozen=True)
class Integration:
    """A site's integration settings as a PUT gives them, checked and normalized."""

    webhook_secret: str | None = KEEP  # KEEP, None (remove) or a new secret
    callback_url: str | None = None
    allowed_origins: tuple[str, ...] = ()


def get(session: Session, site: str) -> Site | None:
    return session.get(Site, site)


def parse(
    fields: set[str],
    webhook_secret: str | None,
    callback_url: str | None,
    allowed_origins: list[str] | None,
) -> Integration:
    """Check a PUT's values; ``fields`` are those it sent. InputError names the field."""
    secret: str | None = KEEP
    if "webhook_secret" in fields:  # null (or "") removes it
        secret = check_secret(webhook_secret) or None if webhook_secret else None
    url = callback_url.strip() if callback_url is not None else ""
    origins = allowed_origins or []
    if len(origins) > MAX_ORIGINS:
        raise InputError(f"allowed_origins: at most {MAX_ORIGINS}", field="allowed_origins")
    return Integration(
        webhook_secret=secret,
        callback_url=check_callback_url(url) if url else None,
        allowed_origins=tuple(sorted({normalize_origin(o) for o in origins})),
    )


def check_signed(stored_secret: str | None, integration: Integration) -> None:
    """A callback_url needs a webhook secret (given or kept): callbacks are never sent
    unsigned. InputError names the field at fault."""
    secret = stored_secret if integration.webhook_secret == KEEP else integration.webhook_secret
    if integration.callback_url and not secret:
        if integration.webhook_secret is None and stored_secret:
            raise InputError(
                "webhook_secret: cannot be removed while a callback_url is set",
                field="webhook_secret",
            )
        raise InputError(
            "callback_url: needs a webhook_secret (callbacks are signed with it)",
            field="callback_url",
        )


def apply(row: Site, integration: Integration) -> None:
    """Set the row's columns (the caller commits)."""
    if integration.webhook_secret != KEEP:
        row.webhook_secret = integration.webhook_secret
    row.callback_url = integration.callback_url
    row.allowed_origins = list(integration.allowed_origins)


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


def origin_allowed(row: Site | None, origin: str) -> bool:
    if row is None:
        return False
    try:
        wanted = normalize_origin(origin)
    except InputError:
        return False
    return wanted in (row.allowed_origins or [])
