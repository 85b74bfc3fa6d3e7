"""In-memory store: a first-class test double for the Storage interface."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from loa.storage.base import check_key


class MemoryStorage:
    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
        with self._lock:
            self._objects[check_key(key)] = bytes(data)

    @contextlib.contextmanager
    def open_write(self, key: str, *, durable: bool = True) -> Iterator[BinaryIO]:
        check_key(key)
        buffer = io.BytesIO()
        yield buffer
        self.write(key, buffer.getvalue())

    def read(self, key: str) -> bytes | None:
        return self._objects.get(check_key(key))

    def exists(self, key: str) -> bool:
        return check_key(key) in self._objects

    def size(self, key: str) -> int | None:
        data = self.read(key)
        return None if data is None else len(data)

    def delete(self, key: str) -> None:
        with self._lock:
            self._objects.pop(check_key(key), None)

    def delete_prefix(self, prefix: str) -> None:
        prefix = prefix.rstrip("/") + "/"
        with self._lock:
            for key in [k for k in self._objects if k.startswith(prefix)]:
                del self._objects[key]

    def local_path(self, key: str) -> Path | None:
        return None
