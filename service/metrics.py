"""Prometheus metrics for /metrics.

Requests are counted in the API process; queue depth and articles by status are read when
scraped (Redis and the database are the truth); the workers' and the supervisor's counts
(synthesis seconds per engine, segment cache hits, retries, process restarts) come from the
Redis hash of ``loa.counters``. Each app has its own registry (tests build several apps).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
from prometheus_client import CollectorRegistry, Counter, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from loa import counters
from loa.config import Settings
from loa.storage.db import session_scope
from loa.storage.models import Article

logger = logging.getLogger(__name__)
# the _created series only double what Prometheus stores; the ignore: prometheus_client leaves
# this function unannotated
disable_created_metrics()  # type: ignore[no-untyped-call]

#: Celery's Redis transport keeps a queue's messages in these lists (one per priority step)
QUEUE_KEYS = ("loa", "loa\x06\x163", "loa\x06\x166", "loa\x06\x169")
ARTICLE_STATUSES = ("queued", "processing", "ready", "failed")
#: counters kept in Redis: (name in loa.counters, metric name, help, label name or "")
SHARED_COUNTERS = (
    (counters.SYNTHESIS_SECONDS, "loa_synthesis_seconds", "Seconds spent synthesizing", "engine"),
    (counters.SEGMENTS_SYNTHESIZED, "loa_segments_synthesized", "Segments synthesized", "engine"),
    (counters.CACHE_HITS, "loa_segment_cache_hits", "Segments reused from the cache", "engine"),
    (counters.RETRIES, "loa_task_retries", "Jobs retried (engine unavailable)", ""),
    (counters.RESTARTS, "loa_process_restarts", "Processes restarted by loa serve", "process"),
)


class Metrics:
    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "loa_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.registry.register(StateCollector(settings))


class StateCollector(Collector):
    """Read at scrape time: queue depth, articles by status, the shared counters."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        up = GaugeMetricFamily("loa_redis_up", "1 when Redis answered this scrape")
        url = self.settings.redis_url or "redis://127.0.0.1:6379/0"
        try:
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            depth = sum(int(client.llen(key)) for key in QUEUE_KEYS)
            shared = counters.read_all(url)
            up.add_metric([], 1)
        except redis.RedisError as exc:
            logger.warning("metrics: Redis unreachable: %s", exc)
            up.add_metric([], 0)
            yield up
        else:
            yield up
            queue = GaugeMetricFamily("loa_queue_depth", "Jobs waiting in the queue")
            queue.add_metric([], depth)
            yield queue
            yield from _shared_families(shared)
        yield from self._articles()

    def _articles(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("loa_articles", "Articles by status", labels=["status"])
        with session_scope(self.settings.sqlalchemy_url) as s:
            rows = s.execute(select(Article.status, func.count()).group_by(Article.status))
            counts = {status: int(n) for status, n in rows}
        for status in ARTICLE_STATUSES:
            family.add_metric([status], counts.get(status, 0))
        yield family


def _shared_families(shared: dict[tuple[str, str], float]) -> Iterator[CounterMetricFamily]:
    for name, metric, help_text, label in SHARED_COUNTERS:
        family = CounterMetricFamily(metric, help_text, labels=[label] if label else [])
        for (counter, value_label), value in sorted(shared.items()):
            if counter == name:
                family.add_metric([value_label] if label else [], value)
        yield family
