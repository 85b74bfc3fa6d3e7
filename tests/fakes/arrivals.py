"""What the stand-ins count of the requests they saw: the busiest window of arrival times."""

from __future__ import annotations

from collections.abc import Iterable


def busiest_window(arrivals: Iterable[float], window: float = 1.0) -> int:
    """The most arrival times that fall in any ``window`` seconds."""
    times = sorted(arrivals)
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best
