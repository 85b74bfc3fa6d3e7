"""Retries with exponential back-off and full jitter, honouring Retry-After.

Only transient failures (``EngineUnavailable``: 429, 408, 5xx, timeouts, dropped connections)
are retried; ``EngineRejected`` (a request refused for its content), ``CircuitOpen`` and
``BudgetTimeout`` (no local request slot in time: the endpoint was never asked) are not.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from loa.errors import EngineUnavailable, ServiceRefused
from loa.online.errors import BudgetTimeout, CircuitOpen, Throttled

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # in all, the first one included
    base: float = 0.25  # seconds before the first retry (before jitter)
    cap: float = 8.0  # longest back-off between two attempts
    max_retry_after: float = 30.0  # a longer Retry-After is not waited for: fail now

    def delay(self, retry: int, error: Exception, rng: random.Random) -> float | None:
        """Seconds before retry number ``retry`` (1-based), or None: give up."""
        if retry >= self.attempts:
            return None
        backoff = rng.uniform(0, min(self.cap, self.base * 2 ** (retry - 1)))
        retry_after = error.retry_after if isinstance(error, Throttled) else None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # never earlier than asked; a little jitter so callers do not come back in step
            return retry_after + rng.uniform(0, min(1.0, retry_after / 4 + 0.05))
        return backoff


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None],
    on_retry: Callable[[int, Exception, float], None] | None = None,
    rng: random.Random | None = None,
) -> T:
    """``call()`` until it succeeds, fails permanently, or the policy gives up (the last
    error is raised). ``on_retry(retry, error, delay)`` is told before each retry."""
    rng = rng or random.Random()
    retry = 0
    while True:
        try:
            return call()
        except (CircuitOpen, BudgetTimeout, ServiceRefused):
            raise
        except EngineUnavailable as exc:
            retry += 1
            delay = policy.delay(retry, exc, rng)
            if delay is None:
                raise
            if on_retry:
                on_retry(retry, exc, delay)
            sleep(delay)
