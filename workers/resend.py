"""``python -m workers.resend``: re-send, now, work a crashed process left unfinished.

``loa serve`` runs this after restarting a process. It sends every article that is queued
(including posts made while Redis was down), and every one being processed whose lease has
expired or belongs to a process on this host that no longer exists (a worker killed mid-job:
its message would otherwise wait for Redis's visibility timeout, its lease for the sweep).
Duplicate deliveries are harmless: a job claims its article first.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from loa.clock import now
from loa.config import get_settings
from loa.jobs import find_stale_work
from loa.logs import configure_logging
from loa.owners import owner_is_dead
from loa.storage.db import session_scope
from loa.storage.models import Article
from workers.tasks import enqueue

logger = logging.getLogger(__name__)


def orphaned_work() -> list[tuple[str, int]]:
    """Articles processing under a live lease whose owner process is gone."""
    with session_scope(get_settings().sqlalchemy_url) as s:
        rows = s.execute(
            select(Article.id, Article.revision, Article.lease_owner).where(
                Article.status == "processing", Article.lease_until >= now()
            )
        ).all()
    return [(id_, revision) for id_, revision, owner in rows if owner_is_dead(owner)]


def main() -> int:
    configure_logging(get_settings().log_level)
    stale = find_stale_work(get_settings(), queued_older_than=0, resend_after=0)
    for article_id, revision in [*stale, *orphaned_work()]:
        enqueue(article_id, revision)
        logger.info("re-sent %s revision %d", article_id, revision)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
