"""Shared test configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def _in_ci() -> bool:
    """True when the CI environment variable says so (``true``, ``1``, ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


hypothesis_settings.register_profile("default", deadline=None, max_examples=100)
hypothesis_settings.register_profile("ci", deadline=None, max_examples=200)
hypothesis_settings.load_profile("ci" if _in_ci() else "default")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared sample corpus (beside the repo).

    Tests that need it skip without it on a developer's machine, and fail under CI=true, so an
    evaluation gate can never pass in CI by not running.
    """
    if not CORPUS.is_dir():
        if _in_ci():
            pytest.fail(f"CI=true but the shared corpus is missing: {CORPUS}")
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test sees settings built from its own environment, with data in a temp dir."""
    from loa.config import get_settings

    monkeypatch.setenv("LOA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
