"""The callback outbox: what is recorded, how it is signed, back-off, address checks."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from loa import callbacks, webhooks
from loa.clock import now
from loa.config import Settings
from loa.storage.db import migrate, session_scope
from loa.storage.models import Article, CallbackDelivery, Site, WebhookReceipt
from tests.fakes.receiver import CallbackReceiver

SECRET = "callback-secret-0123456789abcdef"


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", callback_max_attempts=3, **extra)
    migrate(settings.sqlalchemy_url)
    return settings


def _article(settings: Settings, url: str, status: str = "ready") -> None:
    with session_scope(settings.sqlalchemy_url) as session:
        meta = {"title": "S1", "description": "Trang thử.", "link": "https://s1.example"}
        session.add(Site(site="s1", meta=meta, webhook_secret=SECRET, callback_url=url))
        session.add(
            Article(
                id="a" * 32,
                site="s1",
                external_id="e1",
                title="T",
                source_kind="text",
                source="x",
                content_hash="0" * 64,
                status=status,
                revision=2,
                audio_revision=2 if status == "ready" else None,
                error=None if status == "ready" else "nothing speakable",
            )
        )


def _record(settings: Settings, event: str = "ready") -> str:
    delivery = callbacks.record_outcome(settings, "a" * 32, event)
    assert delivery is not None
    return delivery


def test_nothing_is_recorded_without_a_callback_url(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _article(settings, "")
    assert callbacks.record_outcome(settings, "a" * 32, "ready") is None
    assert callbacks.record_outcome(settings, "b" * 32, "ready") is None


def test_delivered_signed_with_the_sites_secret(tmp_path: Path) -> None:
    settings = _settings(tmp_path, fetch_allow_hosts="127.0.0.1")
    with CallbackReceiver() as receiver:
        _article(settings, receiver.url)
        delivery = _record(settings)
        attempt = callbacks.deliver(settings, delivery)
        assert attempt == callbacks.Attempt(done=True, delivered=True)
        (got,) = receiver.received
    webhooks.verify(
        SECRET, got.body, got.headers["x-loa-timestamp"], got.headers["x-loa-signature"]
    )
    assert got.headers["x-loa-delivery"] == delivery
    event = json.loads(got.body)
    assert event["event"] == "article.ready" and event["delivery"] == delivery
    assert event["article"]["external_id"] == "e1" and event["article"]["revision"] == 2
    # delivered once: a second attempt sends nothing
    assert callbacks.deliver(settings, delivery).delivered
    assert len(receiver.received) == 1


def test_retried_with_doubling_waits_then_given_up(tmp_path: Path) -> None:
    settings = _settings(tmp_path, fetch_allow_hosts="127.0.0.1", callback_retry_base_seconds=3)
    with CallbackReceiver(fail_first=10) as receiver:
        _article(settings, receiver.url)
        delivery = _record(settings)
        first = callbacks.deliver(settings, delivery)
        second = callbacks.deliver(settings, delivery)
        third = callbacks.deliver(settings, delivery)
    assert (first.done, first.retry_in) == (False, 3)
    assert (second.done, second.retry_in) == (False, 6)
    assert third == callbacks.Attempt(done=True, delivered=False)
    with session_scope(settings.sqlalchemy_url) as session:
        row = session.get(CallbackDelivery, delivery)
        assert row is not None
        assert (row.status, row.attempts, row.last_status_code) == ("failed", 3, 500)
        assert row.last_error == "the receiver answered 500"


def test_never_sent_unsigned(tmp_path: Path) -> None:
    settings = _settings(tmp_path, fetch_allow_hosts="127.0.0.1")
    with CallbackReceiver() as receiver:
        _article(settings, receiver.url)
        delivery = _record(settings)
        with session_scope(settings.sqlalchemy_url) as session:
            site = session.get(Site, "s1")
            assert site is not None
            site.webhook_secret = None  # e.g. removed straight in the database
        attempt = callbacks.deliver(settings, delivery)
        assert attempt == callbacks.Attempt(done=True, delivered=False)
        assert receiver.received == []
    with session_scope(settings.sqlalchemy_url) as session:
        row = session.get(CallbackDelivery, delivery)
        assert row is not None and row.status == "failed"
        assert row.last_error is not None and "webhook_secret" in row.last_error


def test_pending_finds_due_rows_behind_many_not_due(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _article(settings, "https://cms.s1.example/loa")
    t = now()
    with session_scope(settings.sqlalchemy_url) as session:

        def add(name: str, due: datetime) -> None:
            session.add(
                CallbackDelivery(
                    id=name,
                    site="s1",
                    article_id="a" * 32,
                    event="article.ready",
                    url="https://cms.s1.example/loa",
                    payload={},
                    status="pending",
                    attempts=1,
                    created_at=t - timedelta(hours=2),
                    next_attempt_at=due,
                )
            )

        for i in range(5):  # not due yet, and first in the table
            add(f"later-{i}", t + timedelta(hours=1))
        add("due-recent", t - timedelta(minutes=5))
        add("due-oldest", t - timedelta(hours=1))
    with session_scope(settings.sqlalchemy_url) as session:
        assert callbacks.pending(session, limit=2) == ["due-oldest", "due-recent"]
        assert callbacks.pending(session, limit=1) == ["due-oldest"]


def test_the_sweep_prunes_old_webhook_logs(tmp_path: Path) -> None:
    from workers.tasks import requeue_stale_work

    settings = _settings(tmp_path, webhook_log_retention_days=30)
    _article(settings, "https://cms.s1.example/loa")
    t = now()
    old, recent = t - timedelta(days=31), t - timedelta(days=29)
    with session_scope(settings.sqlalchemy_url) as session:
        for name, at, status in [
            ("old-done", old, "delivered"),
            ("old-failed", old, "failed"),
            ("old-pending", old, "pending"),  # still to be sent: kept
            ("recent-done", recent, "delivered"),
        ]:
            session.add(
                CallbackDelivery(
                    id=name,
                    site="s1",
                    article_id="a" * 32,
                    event="article.ready",
                    url="https://cms.s1.example/loa",
                    payload={},
                    status=status,
                    attempts=1,
                    created_at=at,
                    next_attempt_at=t + timedelta(hours=1) if status == "pending" else None,
                )
            )
        for name, at in [("d-old", old), ("d-recent", recent)]:
            session.add(
                WebhookReceipt(
                    site="s1", delivery_id=name, status_code=200, response={}, received_at=at
                )
            )
    requeue_stale_work()  # the workers' periodic sweep (settings from LOA_DATA_DIR)
    with session_scope(settings.sqlalchemy_url) as session:
        kept = sorted(session.scalars(select(CallbackDelivery.id)))
        receipts = sorted(session.scalars(select(WebhookReceipt.delivery_id)))
    assert kept == ["old-pending", "recent-done"]
    assert receipts == ["d-recent"]


def _resolver_to(address: str) -> Any:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://hook.example.vn/x", "127.0.0.1"),
        ("http://hook.example.vn/x", "10.1.2.3"),
        ("http://hook.example.vn/x", "169.254.169.254"),
        ("http://169.254.169.254/latest", "169.254.169.254"),
        ("http://metadata.google.internal/", "8.8.8.8"),
    ],
)
def test_private_loopback_and_metadata_targets_are_refused(
    tmp_path: Path, url: str, address: str
) -> None:
    settings = _settings(tmp_path)
    _article(settings, url)
    delivery = _record(settings, "failed")
    attempt = callbacks.deliver(settings, delivery, resolver=_resolver_to(address))
    assert not attempt.delivered
    with session_scope(settings.sqlalchemy_url) as session:
        row = session.get(CallbackDelivery, delivery)
        assert row is not None and row.last_error and "refusing" in row.last_error
        assert row.last_error.startswith("callback_url:")
        assert row.payload["event"] == "article.failed"
