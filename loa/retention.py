"""Pruning the webhook logs: receipts of webhooks in (``X-Loa-Delivery``) and finished
callbacks out older than LOA_WEBHOOK_LOG_RETENTION_DAYS (at least a day, far beyond the
webhook's replay window of ``webhooks.WINDOW_SECONDS``, so a repeat is still recognized while
its signature could pass). Pending callbacks are kept: the sweep still sends them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from loa.clock import now
from loa.config import Settings
from loa.storage.models import CallbackDelivery, WebhookReceipt


@dataclass(frozen=True)
class Pruned:
    receipts: int
    deliveries: int


def prune_webhook_logs(session: Session, settings: Settings) -> Pruned:
    """Delete rows older than the retention (the caller commits)."""
    before = now() - timedelta(days=settings.webhook_log_retention_days)
    receipts = session.execute(delete(WebhookReceipt).where(WebhookReceipt.received_at < before))
    deliveries = session.execute(
        delete(CallbackDelivery).where(
            CallbackDelivery.created_at < before, CallbackDelivery.status != "pending"
        )
    )
    return Pruned(_count(receipts), _count(deliveries))


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
