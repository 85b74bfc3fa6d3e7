"""Bodies of the sites' keys, integration settings, webhook and callback log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.schemas import ArticleCreate, ExternalId, SiteName


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["write", "read"] = "write"
    expires_at: datetime | None = Field(default=None, description="Optional; UTC if no offset.")
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


class SiteSettingsUpdate(BaseModel):
    """Omitted fields stay as they are; "" (or []) clears one."""

    model_config = ConfigDict(extra="forbid")

    webhook_secret: str | None = Field(
        default=None, max_length=200, description="Write-only: never returned."
    )
    callback_url: str | None = Field(default=None, max_length=2000)
    allowed_origins: list[str] | None = Field(default=None, max_length=50)


class SiteSettingsPublic(BaseModel):
    site: str
    webhook_secret_set: bool
    callback_url: str | None
    allowed_origins: list[str]
    updated_at: datetime | None


class WebhookEvent(ArticleCreate):
    """A CMS event: publish or update (the article's fields, as POST /v1/articles takes
    them), unpublish or delete (``external_id`` alone)."""

    model_config = ConfigDict(extra="forbid", str_max_length=50_000_000)

    event: Literal["publish", "update", "unpublish", "delete"]
    external_id: ExternalId  # required here, optional in the parent
    site: SiteName | None = None  # type: ignore[assignment]  # the path names it; may repeat it


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
