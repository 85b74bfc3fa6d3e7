"""The one interface for where audio bytes live. Keys are relative, '/'-separated paths."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

_KEY_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")


def check_key(key: str) -> str:
    """Refuse keys that could reach outside the store ('..', absolute paths, odd characters)."""
    if not _KEY_RE.match(key) or ".." in key.split("/"):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


@runtime_checkable
class Storage(Protocol):
    def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
        """Store ``data`` atomically: a reader sees the old object or the whole new one.

        ``durable=False`` skips forcing the bytes to disk (for caches that can be rebuilt)."""

    def open_write(self, key: str, *, durable: bool = True) -> AbstractContextManager[BinaryIO]:
        """A new, seekable file for ``key``, written piece by piece (nothing held in memory):
        it replaces ``key`` atomically when the block ends, and is discarded on an error."""

    def read(self, key: str) -> bytes | None: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int | None: ...

    def delete(self, key: str) -> None: ...

    def delete_prefix(self, prefix: str) -> None: ...

    def local_path(self, key: str) -> Path | None:
        """A filesystem path for zero-copy serving, when the store is local."""
