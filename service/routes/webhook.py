"""POST /v1/sites/{site}/webhook: CMS events (publish, update, unpublish, delete), signed with
the site's webhook secret; and the site's log of callbacks sent."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa import articles, site_settings, webhooks
from loa.clock import as_utc
from loa.config import Settings
from loa.storage.models import CallbackDelivery, WebhookReceipt
from service.deps import (
    PrincipalDep,
    SessionDep,
    SettingsDep,
    StorageDep,
    limit_writes,
    require_site_read,
)
from service.errors import ApiError
from service.openapi import BODY_ERRORS, responses
from service.queue import enqueue_all
from service.routes.articles import _source_of, _submission
from service.routes.sites import SitePath, _check_site
from service.schemas import ArticleCreate
from service.tenant_schemas import CallbackLog, CallbackPublic, WebhookEvent, WebhookResult

router = APIRouter(prefix="/v1/sites", tags=["webhooks"])

MAX_DELIVERY_ID = 200


async def raw_body(request: Request) -> bytes:
    """The body as sent (its size is already limited by LOA_MAX_BODY_BYTES)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def _refused(message: str, field: str) -> ApiError:
    return ApiError(
        401,
        "bad_signature",
        message,
        field=field,
        headers={"WWW-Authenticate": 'Loa-HMAC-SHA256 realm="webhook"'},
    )


@router.post(
    "/{site}/webhook",
    response_model=WebhookResult,
    operation_id="receive_site_webhook",
    responses={
        202: {"description": "publish/update: the article is queued", "model": WebhookResult},
        **responses(
            *BODY_ERRORS,
            401,
            429,
            descriptions={
                401: "Missing or wrong signature, a timestamp out of the window, or a site "
                "without a webhook_secret (checked before the body's fields).",
                429: "More than LOA_WRITE_RATE_PER_MINUTE signed events a minute to this "
                "site; retry after Retry-After seconds.",
            },
        ),
    },
    openapi_extra={
        "security": [],  # signed with the site's webhook secret, no bearer key
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": WebhookEvent.model_json_schema()}},
        },
    },
)
def receive_webhook(
    site: SitePath,
    request: Request,
    body: RawBody,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> JSONResponse:
    """Signed with the site's ``webhook_secret``: ``X-Loa-Timestamp`` (Unix seconds) and
    ``X-Loa-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">``; a repeated
    ``X-Loa-Delivery`` gets the first answer again and changes nothing."""
    _check_site(site)
    row = site_settings.get(session, site)
    if row is None or not row.webhook_secret:
        raise _refused(
            f"the site {site!r} has no webhook_secret (PUT /v1/sites/{site})",
            webhooks.SIGNATURE_HEADER,
        )
    try:
        webhooks.verify(
            row.webhook_secret,
            body,
            request.headers.get(webhooks.TIMESTAMP_HEADER),
            request.headers.get(webhooks.SIGNATURE_HEADER),
        )
    except webhooks.Refusal as exc:
        raise _refused(exc.message, exc.field) from None
    # counted once signed: unsigned noise cannot use up the site's writes
    limit_writes(settings, f"webhook:{site}", "to this site's webhook", "site")
    event = _event_of(body)  # read only once signed: an unsigned body learns nothing
    delivery = (request.headers.get(webhooks.DELIVERY_HEADER) or "").strip()
    if len(delivery) > MAX_DELIVERY_ID or any(ord(c) < 0x20 for c in delivery):
        raise ApiError(
            422,
            "invalid_input",
            f"{webhooks.DELIVERY_HEADER}: at most {MAX_DELIVERY_ID} printable characters",
            field=webhooks.DELIVERY_HEADER,
        )
    if delivery:
        seen = _claim_delivery(session, site, delivery)
        if seen is not None:
            return JSONResponse(
                dict(seen.response, duplicate=True),
                status_code=200,
                headers={"X-Loa-Duplicate": "1"},
            )
    status, result, work = _apply(session, settings, storage, site, event)
    if delivery:
        receipt = session.get(WebhookReceipt, (site, delivery))
        if receipt is not None:
            receipt.status_code = status
            receipt.response = result.model_dump(mode="json")
    session.commit()
    enqueue_all(settings, work)
    return JSONResponse(result.model_dump(mode="json"), status_code=status)


def _event_of(body: bytes) -> WebhookEvent:
    """The body as an event; errors as FastAPI's own body validation gives them."""
    try:
        data = json.loads(body)
    except ValueError as exc:  # not JSON, or not UTF-8
        error = {"type": "json_invalid", "loc": ("body",), "msg": "invalid JSON"}
        raise RequestValidationError([dict(error, ctx={"error": str(exc)})]) from None
    try:
        return WebhookEvent.model_validate(data)
    except ValidationError as exc:
        errors = [dict(e, loc=("body", *e["loc"])) for e in exc.errors()]
        raise RequestValidationError(errors) from None


def _claim_delivery(session: Session, site: str, delivery: str) -> WebhookReceipt | None:
    """Record the delivery id (the database's key makes two at once impossible); the earlier
    receipt when it was already seen."""
    seen = session.get(WebhookReceipt, (site, delivery))
    if seen is not None:
        return seen
    session.add(WebhookReceipt(site=site, delivery_id=delivery, status_code=0, response={}))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return session.get(WebhookReceipt, (site, delivery))
    return None


def _apply(
    session: Session, settings: Settings, storage: StorageDep, site: str, event: WebhookEvent
) -> tuple[int, WebhookResult, list[tuple[str, int]]]:
    if event.event in ("publish", "update"):
        fields = event.model_dump(exclude={"event"}, exclude_unset=True)
        if event.event == "publish":  # publishing again what was unpublished
            fields.setdefault("published", True)
        post = ArticleCreate.model_validate(dict(fields, site=site), strict=False)
        outcome = articles.submit(session, _submission(post, settings))
        made = outcome.article
        result = WebhookResult(
            event=event.event,
            external_id=event.external_id,
            article_id=made.id,
            status=made.status,
        )
        return (202 if outcome.changed else 200), result, outcome.to_enqueue
    for kind in ("text", "html"):  # not used, but held to the same rules as when they are
        value = getattr(event, kind)
        if value is not None:
            _source_of(ArticleCreate.model_construct(**{kind: value}), settings.max_chars)
    row = articles.find(session, site, event.external_id)
    if row is None:
        result = WebhookResult(
            event=event.event, external_id=event.external_id, article_id=None, status=None
        )
        return 200, result, []
    if event.event == "delete":
        article_id = row.id
        articles.delete(session, storage, row)
        return (
            200,
            WebhookResult(
                event="delete",
                external_id=event.external_id,
                article_id=article_id,
                status="deleted",
            ),
            [],
        )
    # out of the site's feed and playlists at once (a draft again), its audio kept
    articles.set_published(session, row, False)
    return (
        200,
        WebhookResult(
            event="unpublish",
            external_id=event.external_id,
            article_id=row.id,
            status="unpublished",
        ),
        [],
    )


@router.get(
    "/{site}/callbacks",
    response_model=CallbackLog,
    operation_id="get_site_callbacks",
    responses=responses(401, 403, 422),
)
def callback_log(
    site: SitePath,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CallbackLog:
    """The callbacks sent to the site's callback_url, newest first, with their attempts."""
    require_site_read(principal, _check_site(site))
    rows = session.scalars(
        select(CallbackDelivery)
        .where(CallbackDelivery.site == site)
        .order_by(CallbackDelivery.created_at.desc())
        .limit(limit)
    )
    return CallbackLog(
        site=site,
        deliveries=[
            CallbackPublic(
                id=r.id,
                site=r.site,
                article_id=r.article_id,
                event=r.event,
                url=r.url,
                status=r.status,  # type: ignore[arg-type]
                attempts=r.attempts,
                last_status_code=r.last_status_code,
                last_error=r.last_error,
                created_at=as_utc(r.created_at),
                next_attempt_at=as_utc(r.next_attempt_at),
                delivered_at=as_utc(r.delivered_at),
                payload=r.payload,
            )
            for r in rows
        ],
    )
