"""Bodies of the sites' keys, webhook and callback log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from service.schemas import _ONE_SOURCE, ArticleFields, ExternalId, Rfc3339


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    scope: Literal["write", "read"] = "write"
    expires_at: Rfc3339 | None = Field(
        default=None, description="Optional: an RFC 3339 date-time with its offset."
    )
    label: str | None = Field(default=None, max_length=200)


class KeyPublic(BaseModel):
    id: str
    site: str
    scope: Literal["write", "read"]
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool


class KeyCreated(KeyPublic):
    key: str = Field(description="The key itself: shown this once, stored only hashed.")


#: publish and update carry the article (exactly one source, as POST /v1/articles); unpublish
#: and delete need only the external id.
_EVENT_BODIES: list[JsonValue] = [
    {"properties": {"event": {"enum": ["unpublish", "delete"]}}},
    {"properties": {"event": {"enum": ["publish", "update"]}}, "anyOf": _ONE_SOURCE},
]


class WebhookEvent(ArticleFields):
    """A CMS event: publish or update (the article's fields, as POST /v1/articles takes
    them, but not ``site``: the URL names it), unpublish or delete (``external_id`` alone)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": _EVENT_BODIES})

    event: Literal["publish", "update", "unpublish", "delete"]
    external_id: ExternalId = Field(description="The CMS's id of the article.")


class WebhookResult(BaseModel):
    event: str
    external_id: str
    article_id: str | None
    status: str | None
    duplicate: bool = False


class CallbackPublic(BaseModel):
    id: str
    site: str
    article_id: str | None
    event: str
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    payload: dict[str, Any]


class CallbackLog(BaseModel):
    site: str
    deliveries: list[CallbackPublic]
