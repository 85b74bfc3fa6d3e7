"""Errors of the online machinery (all transient: subclasses of EngineUnavailable)."""

from __future__ import annotations

from loa.errors import EngineUnavailable


class Throttled(EngineUnavailable):
    """The endpoint asked us to slow down (HTTP 429), maybe saying for how long."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CircuitOpen(EngineUnavailable):
    """The shared circuit breaker is open: the endpoint is not called at all."""


class BudgetTimeout(EngineUnavailable):
    """No request slot came free in time."""
