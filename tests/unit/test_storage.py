from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from loa.storage import LocalStorage, MemoryStorage, Storage


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    return LocalStorage(tmp_path / "audio") if request.param == "local" else MemoryStorage()


def test_roundtrip_and_delete(store: Storage) -> None:
    store.write("articles/abc/r1.mp3", b"ID3data")
    assert store.exists("articles/abc/r1.mp3")
    assert store.read("articles/abc/r1.mp3") == b"ID3data"
    assert store.size("articles/abc/r1.mp3") == 7
    store.delete_prefix("articles/abc")
    assert not store.exists("articles/abc/r1.mp3")
    assert store.read("articles/abc/r1.mp3") is None
    store.delete("articles/abc/r1.mp3")  # deleting twice is fine


@pytest.mark.parametrize(
    "key", ["../x.mp3", "a/../../x", "/etc/passwd", "a//b", "", "a/./b", ".hidden", "a\\b", "a/\0"]
)
def test_keys_cannot_escape(store: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        store.write(key, b"x")
    with pytest.raises(ValueError):
        store.read(key)


def test_local_write_is_atomic(tmp_path: Path) -> None:
    """A reader sees the old file or the whole new one, never a part, and no temp file stays."""
    store = LocalStorage(tmp_path)
    old, new = b"a" * 1_000_000, b"b" * 2_000_000
    store.write("x.mp3", old)
    seen: set[int] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            data = store.read("x.mp3")
            assert data is not None
            seen.add(len(data))
            assert data in (old, new)

    t = threading.Thread(target=reader)
    t.start()
    for _ in range(20):
        store.write("x.mp3", new)
        store.write("x.mp3", old)
    stop.set()
    t.join()
    assert seen <= {len(old), len(new)}
    assert [p.name for p in tmp_path.iterdir()] == ["x.mp3"]


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStorage(tmp_path)

    def broken_replace(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.write("y.mp3", b"data")
    assert list(tmp_path.iterdir()) == []


def test_local_storage_delete_prefix_tolerates_a_folder_and_a_missing_one(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    (tmp_path / "articles" / "abc").mkdir(parents=True)
    store.delete("articles/abc")  # a folder where a file was expected: no IsADirectoryError
    store.delete_prefix("articles/abc")
    store.delete_prefix("articles/abc")
    assert not (tmp_path / "articles" / "abc").exists()
