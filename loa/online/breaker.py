"""A circuit breaker shared through Redis by every process calling one endpoint.

closed     calls go through; ``failure_threshold`` failures in a row (counted across all
           processes, reset by any success) open it.
open       no call goes out (``CircuitOpen``) for ``open_seconds``.
half-open  after that, exactly one caller (whoever wins a Redis SET NX) sends a probe request;
           its success closes the breaker, its failure opens it for another ``open_seconds``.
           The others keep seeing it open until the probe has answered.

Only the probe's answer closes an open breaker: a request that started before it opened and
succeeds late, or any answer other than the probe's while it is open or half-open, changes
nothing (while closed, an answer resets the run of failures). A probe refused for its content
(``EngineRejected``) closes it too: the endpoint answered.

Only failures that say the endpoint is unwell count (no answer, timeouts, 5xx, 429 after its
retries); a request refused for its content is a success for the breaker's purposes.
"""

from __future__ import annotations

import time
from typing import Any

import redis

_RECORD_FAILURE = """
local failures = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 3600)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if failures >= tonumber(ARGV[1]) or ARGV[3] == '1' then
  redis.call('SET', KEYS[2], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) + 86400000)
  redis.call('DEL', KEYS[3])
  return 1
end
return 0
"""

_RECORD_SUCCESS = """
if ARGV[1] == '1' or redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return 1
end
return 0
"""

_STATE = """
local open_until = redis.call('GET', KEYS[1])
if not open_until then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < tonumber(open_until) then return 1 end
return 2
"""

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"
_STATES = {0: CLOSED, 1: OPEN, 2: HALF_OPEN}


class Breaker:
    """The breaker of one endpoint (``name``)."""

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        *,
        failure_threshold: int = 10,
        open_seconds: float = 15.0,
        probe_seconds: float = 30.0,
    ) -> None:
        self.client = client
        self.name = name
        self.failure_threshold = failure_threshold
        self.open_seconds = open_seconds
        self.probe_seconds = probe_seconds  # longest a probe may take before another may go
        self.failures_key = f"loa:breaker:{name}:failures"
        self.open_key = f"loa:breaker:{name}:open_until"
        self.probe_key = f"loa:breaker:{name}:probe"
        self.last_key = f"loa:breaker:{name}:last"
        self._record: Any = client.register_script(_RECORD_FAILURE)
        self._state: Any = client.register_script(_STATE)
        self._success: Any = client.register_script(_RECORD_SUCCESS)

    def state(self) -> str:
        return _STATES[int(self._state(keys=[self.open_key]))]

    def allow(self) -> tuple[bool, bool]:
        """(may call, is the probe): closed -> (True, False); half-open and this caller won
        the probe -> (True, True); otherwise (False, False)."""
        state = self.state()
        if state == CLOSED:
            return True, False
        if state == HALF_OPEN and self.client.set(
            self.probe_key, "1", nx=True, px=int(self.probe_seconds * 1000)
        ):
            return True, True
        return False, False

    def record_success(self, *, probe: bool = False) -> bool:
        """The endpoint answered: the probe's answer closes the breaker; another answer resets
        the run of failures while it is closed and changes nothing while it is open (True when
        it is closed by or after this answer)."""
        closed = self._success(
            keys=[self.failures_key, self.open_key, self.probe_key], args=["1" if probe else "0"]
        )
        return bool(closed)

    def release_probe(self) -> None:
        """Give the probe back unsent (the caller got no request slot): another may probe."""
        self.client.delete(self.probe_key)

    def record_failure(self, *, probe: bool = False, reason: str = "") -> bool:
        """Count one failure; True when the breaker is (re)opened by it. A failed probe
        re-opens at once. ``reason`` is kept as the last failure (what status notes show)."""
        if reason:
            self.client.set(self.last_key, reason[:300], ex=86400)
        opened = self._record(
            keys=[self.failures_key, self.open_key, self.probe_key],
            args=[self.failure_threshold, int(self.open_seconds * 1000), "1" if probe else "0"],
        )
        return bool(opened)

    def last_failure(self) -> str:
        raw = self.client.get(self.last_key)
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""

    def seconds_until_probe(self) -> float:
        raw = self.client.get(self.open_key)
        if raw is None:
            return 0.0
        return max(0.0, int(raw) / 1000 - time.time())

    def reset(self) -> None:
        self.client.delete(self.failures_key, self.open_key, self.probe_key)
