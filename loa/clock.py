"""Time helpers: the one place that says what "now" is and how stored times are read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@overload
def as_utc(value: datetime) -> datetime: ...


@overload
def as_utc(value: None) -> None: ...


def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands naive datetimes back)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
