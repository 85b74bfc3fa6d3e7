"""An online engine behind the shared machinery: breaker -> budget slot -> request, retried.

``GuardedEngine`` wraps any Engine (gtts, edge) and is itself an Engine, so the pipeline does
not know it is there. One is made per article job (it carries that article's counters and
priority); the budget and breaker it uses are shared by every process through Redis.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from loa.audio.clip import AudioClip
from loa.engines.base import Engine
from loa.errors import EngineRejected, EngineUnavailable
from loa.online.breaker import Breaker
from loa.online.budget import Budget
from loa.online.counters import Counters
from loa.online.errors import BudgetTimeout, CircuitOpen
from loa.online.retry import RetryPolicy, call_with_retries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Machinery:
    """What every caller of one endpoint shares."""

    budget: Budget
    breaker: Breaker
    policy: RetryPolicy
    concurrency: int  # requests one article may have in flight (the budget caps all of them)
    slot_timeout: float = 120.0  # longest a request waits for a budget slot (BudgetTimeout)


class GuardedEngine:
    def __init__(
        self,
        inner: Engine,
        machinery: Machinery,
        *,
        counters: Counters | None = None,
        priority: str = "normal",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.machinery = machinery
        self.counters = counters or Counters()
        self.priority = priority
        self.sleep = sleep
        self.name = inner.name
        self.voices = inner.voices
        self.default_voice = inner.default_voice
        self.max_chars = inner.max_chars
        self.region_of_voice = inner.region_of_voice
        # the inner engine's audio settings: its segments' cache keys are the same either way
        self.finishing = str(getattr(inner, "finishing", "") or "")
        self.concurrency = machinery.concurrency

    def _attempt(self, text: str, voice: str) -> AudioClip:
        breaker = self.machinery.breaker
        allowed, probe = breaker.allow()
        if not allowed:
            raise self._open_error()
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(
                    self.machinery.budget.slot(
                        priority=self.priority, timeout=self.machinery.slot_timeout
                    )
                )
            except BudgetTimeout:
                # a local wait says nothing about the endpoint: no failure counted, no retry
                if probe:
                    breaker.release_probe()  # another caller may probe at once
                raise
            return self._request(text, voice, probe)
        raise AssertionError("unreachable")  # ExitStack does not swallow exceptions

    def _request(self, text: str, voice: str, probe: bool) -> AudioClip:
        """One request, holding a budget slot; its outcome is told to the breaker."""
        breaker = self.machinery.breaker
        try:
            self.counters.add(requests=1)
            clip = self.inner.synthesize(text, voice)
        except EngineRejected:
            breaker.record_success(probe=probe)  # it answered: refusing this text is no outage
            raise
        except EngineUnavailable as exc:
            if breaker.record_failure(probe=probe, reason=str(exc)):
                log.warning("%s: circuit opened (%s)", self.name, exc)
            if probe:
                raise CircuitOpen(f"{self.name}: probe failed ({exc})") from exc
            raise
        if probe:
            log.info("%s: probe succeeded; circuit closed", self.name)
        breaker.record_success(probe=probe)
        return clip

    def synthesize(self, text: str, voice: str) -> AudioClip:
        def on_retry(retry: int, error: Exception, delay: float) -> None:
            self.counters.add(retries=1)
            log.debug("%s: retry %d in %.2f s after %s", self.name, retry, delay, error)

        return call_with_retries(
            lambda: self._attempt(text, voice),
            self.machinery.policy,
            sleep=self._back_off,
            on_retry=on_retry,
        )

    def _back_off(self, delay: float) -> None:
        """Wait ``delay`` seconds before a retry, unless the breaker opens meanwhile (then stop
        at once: the article falls back without waiting out every back-off)."""
        deadline = time.monotonic() + delay
        while True:
            if self.machinery.breaker.state() == "open":
                raise self._open_error()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.sleep(min(0.1, left))

    def _open_error(self) -> CircuitOpen:
        last = self.machinery.breaker.last_failure()
        return CircuitOpen(f"circuit open after repeated failures: {last or 'no detail'}")

    def available(self) -> bool:
        """Healthy as far as the shared breaker knows (closed, or due for a probe)."""
        return self.machinery.breaker.state() != "open"

    def probe(self) -> bool:
        """Send one short request if the breaker is half-open and we win the probe: True when
        the endpoint answered (the breaker is then closed)."""
        state = self.machinery.breaker.state()
        if state == "closed":
            return True
        if state == "open":
            return False
        try:
            self._attempt("xin chào", self.default_voice)
        except (EngineUnavailable, EngineRejected):
            return self.machinery.breaker.state() == "closed"
        return True
