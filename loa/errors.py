"""Loa's exception tree. Service code maps it to HTTP answers in one handler.

LoaError
├── InputError            bad input from a client; carries the field name -> 4xx
│   ├── ExtractionError   HTML/text that cannot be turned into an article (422)
│   └── FetchError        a URL that may not or could not be fetched (422)
├── NotFound              unknown article / site (404)
└── EngineError
    ├── EngineUnavailable transient: no response, timeout, 429, 5xx -> retry or fall back
    └── EngineRejected    permanent: the engine refuses this voice or text
"""

from __future__ import annotations


class LoaError(Exception):
    """Base of every error Loa raises on purpose."""


class InputError(LoaError):
    status_code = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ExtractionError(InputError):
    pass


class FetchError(InputError):
    pass


class NotFound(LoaError):
    pass


class EngineError(LoaError):
    pass


class EngineUnavailable(EngineError):
    """Transient failure; retrying later (or another engine) may work."""


class ServiceRefused(EngineUnavailable):
    """The service refuses this client, not this text (401/403: a token or an address it no
    longer accepts): retrying the same request will not help, another engine may. Not retried;
    counts against the service's circuit breaker, and an article falls back as for an outage."""


class EngineRejected(EngineError):
    """Permanent failure for this request."""
