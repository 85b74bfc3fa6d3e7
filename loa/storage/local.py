"""Audio on the local filesystem under the data dir, written atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from loa.storage.base import check_key


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"invalid storage key: {key!r}")
        return path

    def write(self, key: str, data: bytes, *, durable: bool = True) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # write a temp file in the same directory, flush it to disk, then rename over the target:
        # rename is atomic, so readers never see a partial file
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide audio from a web server in front
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                if durable:
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    @contextlib.contextmanager
    def open_write(self, key: str, *, durable: bool = True) -> Iterator[BinaryIO]:
        """Like ``write``, for a file too big to hold: a temp file beside the target, renamed
        over it when the block ends."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "w+b") as f:
                yield f
                if durable:
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, IsADirectoryError):
            pass  # gone already, or a folder (which delete_prefix removes)

    def delete_prefix(self, prefix: str) -> None:
        """Remove everything under ``prefix``. Another process may be writing there at the same
        moment (a job finishing an article being deleted): a few passes, never an error."""
        path = self._path(prefix.rstrip("/"))
        for _ in range(5):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                self.delete(prefix)
            if not path.exists():
                return

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None
