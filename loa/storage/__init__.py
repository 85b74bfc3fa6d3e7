"""Where things are kept: audio (Storage implementations) and metadata (db, models)."""

from __future__ import annotations

from loa.config import Settings
from loa.storage.base import Storage
from loa.storage.local import LocalStorage
from loa.storage.memory import MemoryStorage

__all__ = ["Storage", "LocalStorage", "MemoryStorage", "get_storage"]


def get_storage(settings: Settings) -> Storage:
    """The audio store for these settings (one place to add S3 and friends)."""
    return LocalStorage(settings.audio_dir)
