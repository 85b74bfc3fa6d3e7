"""Per-article counters of the synthesis: segments from cache, requests made, retries spent."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Counters:
    from_cache: int = 0
    requests: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, from_cache: int = 0, requests: int = 0, retries: int = 0) -> None:
        with self._lock:
            self.from_cache += from_cache
            self.requests += requests
            self.retries += retries

    def as_dict(self) -> dict[str, int]:
        with self._lock:
            return {
                "from_cache": self.from_cache,
                "requests": self.requests,
                "retries": self.retries,
            }
