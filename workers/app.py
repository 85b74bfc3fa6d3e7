"""The Celery application: configuration only. Tasks live in workers.tasks.

Reliability settings, and why:
- ``task_acks_late`` + ``task_reject_on_worker_lost``: a task is acknowledged after it finishes,
  and re-queued when the worker process dies (with Celery's defaults a ``kill -9`` mid-task
  loses the task for good).
- ``worker_prefetch_multiplier=1``: a worker holds one message per process, so a crash strands
  little and long articles do not block a queue behind them.
- ``visibility_timeout``: how long Redis waits before re-delivering an unacknowledged message
  whose worker vanished without a word. The worker's own sweep (see workers.tasks) re-sends
  lost work from the database sooner than that.
- ``worker_max_memory_per_child`` (``LOA_WORKER_MAX_MEMORY_MB``): a worker process whose peak
  resident memory passed the limit is replaced by a fresh one once its task is done, so the
  memory of an unusually large job is given back to the system instead of staying with the
  process (Python and malloc keep freed memory for reuse).
- one BLAS thread per call (``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS`` 1 unless set): a job
  measures clips (true peak: a small matrix product) in its synthesis threads, several at
  once; OpenBLAS's own threads on such small products only fight them for the cores (seen:
  23 ms a clip instead of 2 on two cores). Set before numpy is first imported.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from celery import Celery  # noqa: E402  # after the BLAS thread count is set

from loa.config import get_settings  # noqa: E402  # (loa may import numpy)
from loa.contracts import QUEUE, broker_url  # noqa: E402
from loa.logs import configure_logging  # noqa: E402
from loa.malloc import limit_arenas  # noqa: E402

limit_arenas()  # before any thread: synthesis threads' freed memory goes back (loa.malloc)


def create_celery(broker: str | None = None) -> Celery:
    settings = get_settings()
    url = broker or broker_url(settings)
    app = Celery("loa", broker=url, include=["workers.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_create_missing_queues=False,
        task_default_queue=QUEUE,
        task_queues={QUEUE: {"exchange": QUEUE, "routing_key": QUEUE}},
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 600},
        task_serializer="json",
        accept_content=["json"],
        worker_send_task_events=False,
        task_send_sent_event=False,
        worker_max_memory_per_child=settings.worker_max_memory_mb * 1024 or None,  # KiB
    )
    return app


configure_logging(get_settings().log_level)
app = create_celery()
