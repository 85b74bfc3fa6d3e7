"""Names shared by the API, the workers and `loa serve`: the task, its queue, the broker
default, and the site-name pattern. Written here once; everything else imports them."""

from __future__ import annotations

import re

from loa.config import Settings

TASK_PROCESS_ARTICLE = "loa.process_article"
"""The Celery task that runs one article job: args (article_id, revision)."""

QUEUE = "loa"
"""The queue every article job is sent to and every worker listens on."""

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
"""The broker when no REDIS_URL is set and no embedded Redis was started."""

SITE_PATTERN = r"[a-z0-9][a-z0-9._-]{0,99}"
"""A site name: 1-100 of a-z 0-9 . _ -, starting with a letter or digit."""

SITE_RE = re.compile(SITE_PATTERN)


def broker_url(settings: Settings) -> str:
    """The broker URL these settings point at."""
    return settings.redis_url or DEFAULT_BROKER_URL


def is_site_name(site: str) -> bool:
    return SITE_RE.fullmatch(site) is not None
