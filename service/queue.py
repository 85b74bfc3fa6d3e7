"""Sending work to the workers by task name (the service never imports worker code)."""

from __future__ import annotations

import functools
import logging

from celery import Celery

from loa.config import Settings
from loa.contracts import QUEUE, TASK_PROCESS_ARTICLE, broker_url

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _producer(url: str) -> Celery:
    app = Celery("loa-api", broker=url)
    app.conf.update(
        task_default_queue=QUEUE,
        broker_connection_timeout=3,
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
    )
    return app


def enqueue_article(settings: Settings, article_id: str, revision: int) -> bool:
    """Send the job. If the broker is down the article stays queued in the database and the
    workers' sweep sends it once they can; the caller is not failed for it."""
    try:
        _producer(broker_url(settings)).send_task(
            TASK_PROCESS_ARTICLE, args=[article_id, revision], queue=QUEUE
        )
        return True
    except Exception:
        logger.exception("could not enqueue article %s; the sweep will re-send it", article_id)
        return False


def enqueue_all(settings: Settings, work: list[tuple[str, int]]) -> None:
    for article_id, revision in work:
        enqueue_article(settings, article_id, revision)


def ping_workers(settings: Settings, timeout: float = 1.0) -> list[str]:
    replies = _producer(broker_url(settings)).control.ping(timeout=timeout) or []
    return [name for reply in replies for name in reply]
