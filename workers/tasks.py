"""Celery tasks: thin wrappers around loa.jobs (a task is much like a web view)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery.signals import worker_process_init, worker_ready

from loa import callbacks, counters
from loa.audio.loudness import preload_scipy
from loa.config import Settings, get_settings
from loa.contracts import TASK_PROCESS_ARTICLE
from loa.engines.base import Engine
from loa.errors import EngineUnavailable
from loa.jobs import (
    LeaseHeld,
    find_stale_work,
    mark_failed,
    run_article_job,
    run_upgrade_job,
    upgrade_candidates,
)
from loa.logs import bind_article
from workers.app import app

preload_scipy()  # in the worker's main process, before it forks its children

logger = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 30
UPGRADES_AT_ONCE = 2  # upgrades sent per look: a pace that leaves the budget to new articles
TASK_UPGRADE_ARTICLE = "loa.upgrade_article"
QUEUED_GRACE_SECONDS = 300  # queued this long without a claim: the message may be lost
RESEND_GRACE_SECONDS = 60  # an expired lease is re-sent at most this often


@app.task(name=TASK_PROCESS_ARTICLE, bind=True, acks_late=True, reject_on_worker_lost=True)
def process_article(self: Any, article_id: str, revision: int) -> str:
    settings = get_settings()
    with bind_article(article_id):
        outcome = _run(self, article_id, revision, settings)
        _announce(settings, article_id, outcome)
        return outcome


def _announce(settings: Settings, article_id: str, outcome: str) -> None:
    """Ready or failed: the site's callback (if it has a callback_url) goes to the outbox."""
    if outcome not in ("ready", "failed"):
        return
    try:
        delivery = callbacks.record_outcome(settings, article_id, outcome)
    except Exception:  # the article's outcome stands whatever happens to its callback
        logger.exception("article %s: could not record its callback", article_id)
        return
    if delivery:
        deliver_callback.apply_async((delivery,))


@app.task(name=callbacks.TASK_DELIVER_CALLBACK, bind=True, acks_late=True)
def deliver_callback(self: Any, delivery_id: str) -> str:
    """One attempt; a failure is retried after callbacks.backoff (the row keeps the log)."""
    attempt = callbacks.deliver(get_settings(), delivery_id)
    if attempt.done:
        return "delivered" if attempt.delivered else "given up"
    raise self.retry(countdown=attempt.retry_in, max_retries=None)


def _run(task: Any, article_id: str, revision: int, settings: Settings) -> str:
    try:
        return run_article_job(article_id, revision, settings).outcome
    except LeaseHeld as exc:
        raise task.retry(countdown=exc.seconds, max_retries=None) from None
    except EngineUnavailable as exc:
        if task.request.retries >= settings.task_max_retries:
            mark_failed(settings, article_id, revision, f"engine unavailable: {exc}")
            return "failed"
        countdown = min(300, 5 * 2**task.request.retries)
        counters.add(counters.RETRIES)
        raise task.retry(countdown=countdown, exc=exc) from None
    except Exception as exc:  # never leave an article silently stuck
        logger.exception("article %s: unexpected error", article_id)
        mark_failed(settings, article_id, revision, f"internal error: {type(exc).__name__}")
        return "failed"


@app.task(name=TASK_UPGRADE_ARTICLE, acks_late=True, reject_on_worker_lost=True)
def upgrade_article(article_id: str, revision: int) -> str:
    settings = get_settings()
    with bind_article(article_id):
        try:
            result = run_upgrade_job(article_id, revision, settings)
        except Exception:  # the served audio stays; the next look tries again
            logger.exception("article %s: upgrade failed", article_id)
            return "failed"
        if result.callback:  # "upgraded", in the outbox with the new audio
            deliver_callback.apply_async((result.callback,))
        return result.outcome


def send_upgrades(settings: Settings) -> int:
    """If an online engine is healthy (a half-open breaker gets its probe here, so recovery is
    noticed without new articles), send upgrades of a few fallback articles. One worker at a
    time does this (a Redis lock)."""
    from loa.engines.registry import choose, is_offline
    from loa.jobs import _health, _shared_redis

    client = _shared_redis(settings)
    if client is None or not settings.upgrade_after_fallback:
        return 0
    if not client.set(
        "loa:upgrade-sweep", "1", nx=True, px=int(settings.upgrade_every_seconds * 900)
    ):
        return 0
    candidates = upgrade_candidates(settings, UPGRADES_AT_ONCE)
    if not candidates:
        return 0
    healthy = _health(settings)
    if is_offline(settings, choose(settings, healthy=healthy).engine.name):
        return 0
    for article_id, revision in candidates:
        upgrade_article.apply_async((article_id, revision))
    logger.info("sent %d upgrade(s) to the online engine", len(candidates))
    return len(candidates)


def _upgrade_forever(stop: threading.Event) -> None:
    while not stop.wait(get_settings().upgrade_every_seconds):
        try:
            send_upgrades(get_settings())
        except Exception:  # a passing database or broker error must not end the loop
            logger.exception("upgrade sweep failed")


def enqueue(article_id: str, revision: int) -> None:
    process_article.apply_async((article_id, revision))


def requeue_stale_work(
    queued_older_than: float = QUEUED_GRACE_SECONDS, resend_after: float = RESEND_GRACE_SECONDS
) -> int:
    """Re-send work the database says is unfinished but may have left the queue."""
    stale = find_stale_work(
        get_settings(), queued_older_than=queued_older_than, resend_after=resend_after
    )
    for article_id, revision in stale:
        enqueue(article_id, revision)
    if stale:
        logger.info("re-sent %d unfinished article(s)", len(stale))
    _resend_callbacks()
    _prune_webhook_logs()
    return len(stale)


def _prune_webhook_logs() -> None:
    """Webhook receipts and finished callbacks past LOA_WEBHOOK_LOG_RETENTION_DAYS go."""
    from loa.retention import prune_webhook_logs
    from loa.storage.db import session_scope

    settings = get_settings()
    with session_scope(settings.sqlalchemy_url) as session:
        pruned = prune_webhook_logs(session, settings)
    if pruned.receipts or pruned.deliveries:
        logger.info(
            "pruned %d webhook receipt(s), %d callback delivery(ies)",
            pruned.receipts,
            pruned.deliveries,
        )


def _resend_callbacks() -> None:
    """Callbacks still pending well past their due time (their task was lost) are re-sent."""
    from loa.storage.db import session_scope

    with session_scope(get_settings().sqlalchemy_url) as session:
        due = callbacks.pending(session)
    for delivery_id in due:
        deliver_callback.apply_async((delivery_id,))


def _sweep_forever(stop: threading.Event) -> None:
    while not stop.wait(SWEEP_EVERY_SECONDS):
        try:
            requeue_stale_work()
        except Exception:  # the sweep must outlive a passing database or broker error
            logger.exception("sweep for unfinished work failed")


@worker_ready.connect
def _on_worker_ready(**_: object) -> None:
    """On start-up, work left queued or processing is sent again; then sweep periodically."""
    requeue_stale_work(queued_older_than=0, resend_after=0)
    threading.Thread(
        target=_sweep_forever, args=(threading.Event(),), name="loa-sweep", daemon=True
    ).start()
    threading.Thread(
        target=_upgrade_forever, args=(threading.Event(),), name="loa-upgrade", daemon=True
    ).start()


@worker_process_init.connect
def _forget_inherited_connections(**_: object) -> None:
    """A child forked from the worker's main process (which runs the sweep) starts with pools
    of its own: it never shares a database connection or a pool lock with its parent."""
    from loa.storage import db

    db.after_fork()


@worker_process_init.connect
def _warm_engines(**_: object) -> None:
    """Load the offline engine in each worker process before the first task arrives."""
    from loa.engines.registry import get_engine

    try:
        engine: Engine = get_engine("espeak", get_settings())
        engine.synthesize("xin chào", engine.default_voice)
    except Exception:
        logger.exception("could not warm up espeak")
