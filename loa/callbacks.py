"""Callbacks out: when an article is ready or failed, POST a signed JSON event to its site's
``callback_url``.

Events go to an outbox first (``callback_deliveries``, committed with the outcome's facts), then
a worker task delivers each one: signed like webhooks in (``X-Loa-Timestamp``,
``X-Loa-Signature`` over "timestamp.body" with the site's webhook secret, ``X-Loa-Delivery``
naming the event so a receiver can drop repeats), to an address checked as article URLs are
(no private, loopback or metadata targets; the connection pinned to the checked address).
A failure (no answer, a non-2xx status) is retried with doubling waits up to
LOA_CALLBACK_MAX_ATTEMPTS; every attempt is written to the row, which is the delivery log.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa import webhooks
from loa.clock import now
from loa.config import Settings
from loa.errors import FetchError
from loa.storage.db import session_scope
from loa.storage.models import Article, CallbackDelivery, Site
from loa.text.fetch import Resolver, check_url, parse_allow_hosts

logger = logging.getLogger(__name__)

EVENTS = {"ready": "article.ready", "failed": "article.failed", "upgraded": "article.upgraded"}
MAX_ERROR_CHARS = 500
USER_AGENT = "Loa-Callback/0.1"
TASK_DELIVER_CALLBACK = "loa.deliver_callback"
#: a pending delivery this long past its due time is re-sent by the workers' sweep
SWEEP_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt came to: ``done`` (delivered or given up) or retry later."""

    done: bool
    delivered: bool
    retry_in: float = 0.0


def payload_of(settings: Settings, article: Article, event: str) -> dict[str, Any]:
    base = f"{settings.public_base_url}/v1/articles/{article.id}"
    ready = article.status == "ready"
    return {
        "event": EVENTS[event],
        "article": {
            "id": article.id,
            "site": article.site,
            "external_id": article.external_id,
            "status": article.status,
            "revision": article.revision,
            "audio_revision": article.audio_revision,
            "engine": article.engine,
            "duration": article.duration,
            "error": article.error,
        },
        "links": {
            "self": base,
            "audio": f"{base}/audio.mp3" if ready else None,
            "playlist": f"{base}/playlist.json" if ready else None,
        },
        "created_at": now().isoformat(),
    }


def record(session: Session, settings: Settings, article_id: str, event: str) -> str | None:
    """Put an event for the article in the outbox if its site has a callback URL; its id."""
    if event not in EVENTS:
        return None
    article = session.get(Article, article_id)
    if article is None:
        return None
    site = session.get(Site, article.site)
    if site is None or not site.callback_url:
        return None
    row = CallbackDelivery(
        id=secrets.token_hex(16),
        site=article.site,
        article_id=article.id,
        event=EVENTS[event],
        url=site.callback_url,
        payload=payload_of(settings, article, event),
        status="pending",
        attempts=0,
        created_at=now(),
    )
    row.payload["delivery"] = row.id
    session.add(row)
    session.flush()
    return row.id


def record_outcome(settings: Settings, article_id: str, event: str) -> str | None:
    with session_scope(settings.sqlalchemy_url) as session:
        return record(session, settings, article_id, event)


def backoff(settings: Settings, attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: base, 2×base, 4×base …, at most an hour."""
    return float(min(3600.0, settings.callback_retry_base_seconds * 2 ** max(0, attempts - 1)))


def deliver(
    settings: Settings, delivery_id: str, resolver: Resolver = socket.getaddrinfo
) -> Attempt:
    """One attempt at delivering the event; the row records it."""
    with session_scope(settings.sqlalchemy_url) as session:
        row = session.get(CallbackDelivery, delivery_id)
        if row is None or row.status != "pending":
            return Attempt(done=True, delivered=row is not None and row.status == "delivered")
        site = session.get(Site, row.site)
        secret = (site.webhook_secret if site else None) or ""
        if not secret:  # never sent unsigned (an empty key would sign nothing)
            row.status = "failed"
            row.next_attempt_at = None
            row.last_error = "not sent: the site has no webhook_secret to sign it with"
            logger.warning("callback %s not sent: site %s has no webhook_secret", row.id, row.site)
            return Attempt(done=True, delivered=False)
        body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
        url = row.url
    code: int | None = None
    error: str | None = None
    try:
        code = _post(settings, url, body, secret, delivery_id, resolver)
        if not 200 <= code < 300:
            error = f"the receiver answered {code}"
    except FetchError as exc:
        error = exc.message.replace("url:", "callback_url:", 1)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    return _note_attempt(settings, delivery_id, code, error)


def _note_attempt(
    settings: Settings, delivery_id: str, code: int | None, error: str | None
) -> Attempt:
    with session_scope(settings.sqlalchemy_url) as session:
        row = session.get(CallbackDelivery, delivery_id)
        if row is None:
            return Attempt(done=True, delivered=False)
        row.attempts += 1
        row.last_status_code = code
        row.last_error = error[:MAX_ERROR_CHARS] if error else None
        if error is None:
            row.status = "delivered"
            row.delivered_at = now()
            row.next_attempt_at = None
            return Attempt(done=True, delivered=True)
        if row.attempts >= settings.callback_max_attempts:
            row.status = "failed"
            row.next_attempt_at = None
            logger.warning("callback %s to %s given up: %s", row.id, row.url, error)
            return Attempt(done=True, delivered=False)
        wait = backoff(settings, row.attempts)
        row.next_attempt_at = now() + timedelta(seconds=wait)
        return Attempt(done=False, delivered=False, retry_in=wait)


def _post(
    settings: Settings,
    url: str,
    body: bytes,
    secret: str,
    delivery_id: str,
    resolver: Resolver,
) -> int:
    """POST to the checked address (pinned: DNS cannot answer differently at connect time);
    redirects are not followed."""
    target = check_url(url, parse_allow_hosts(settings.fetch_allow_hosts), resolver)
    parts = urlsplit(target.url)
    ip = ipaddress.ip_address(target.address)
    ip_host = f"[{ip}]" if ip.version == 6 else str(ip)
    default_port = 443 if target.scheme == "https" else 80
    netloc = ip_host if target.port == default_port else f"{ip_host}:{target.port}"
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != default_port:
        host_header += f":{target.port}"
    headers = {
        "Host": host_header,
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        webhooks.DELIVERY_HEADER: delivery_id,
        **webhooks.signed_headers(secret, body),
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with httpx.Client(trust_env=False, follow_redirects=False, verify=True) as client:
        request = client.build_request(
            "POST",
            parts._replace(netloc=netloc).geturl(),
            content=body,
            headers=headers,
            timeout=httpx.Timeout(settings.callback_timeout),
            extensions=extensions,
        )
        response = client.send(request)
        response.close()
        return response.status_code


def pending(session: Session, limit: int = 100) -> list[str]:
    """Pending deliveries whose next attempt is due (their task may have been lost)."""
    due_at = func.coalesce(CallbackDelivery.next_attempt_at, CallbackDelivery.created_at)
    due = now() - timedelta(seconds=SWEEP_GRACE_SECONDS)
    return list(
        session.scalars(
            select(CallbackDelivery.id)
            .where(CallbackDelivery.status == "pending", due_at <= due)
            .order_by(due_at, CallbackDelivery.id)
            .limit(limit)
        )
    )
