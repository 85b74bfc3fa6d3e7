"""Logging, configured once per process. Every line carries the article being worked on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

current_article: ContextVar[str] = ContextVar("current_article", default="-")
_configured = False


class _ArticleContext(logging.Filter):
    """Adds ``article`` (the id bound by ``bind_article``, or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.article = current_article.get()
        return True


@contextmanager
def bind_article(article_id: str) -> Iterator[None]:
    """Within the block, log lines name this article."""
    token = current_article.set(article_id)
    try:
        yield
    finally:
        current_article.reset(token)


def configure_logging(level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(processName)s %(name)s [%(article)s]: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_ArticleContext())
    # one line per HTTP call of our own clients is noise at INFO
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    _configured = True
