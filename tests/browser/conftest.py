"""Browser tests: Playwright (pip) driving Debian's Chromium against the real stack.

Without Chromium the tests skip with a message saying how to get it, unless
LOA_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.host import HostSite
from tests.fakes.edge_tts import FakeEdgeTTS
from tests.fakes.google_tts import FakeGoogleTTS
from tests.integration.stack import Stack, running_stack

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]
HOW_TO = (
    "Chromium not found: install Debian's (`apt-get install chromium`, giving /usr/bin/chromium) "
    "or set LOA_CHROMIUM to its path; .ci/run installs it"
)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("LOA_CHROMIUM"), "/usr/bin/chromium", "chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("LOA_REQUIRE_BROWSER") == "1":
            pytest.fail(HOW_TO + " (LOA_REQUIRE_BROWSER=1)")
        pytest.skip(HOW_TO)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        pytest.fail("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="package")
def google() -> Iterator[FakeGoogleTTS]:
    with FakeGoogleTTS(mode="ok") as fake:
        yield fake


@pytest.fixture(scope="package")
def edge() -> Iterator[FakeEdgeTTS]:
    with FakeEdgeTTS() as fake:
        yield fake


@pytest.fixture(scope="package")
def loa(
    browser: Any,
    tmp_path_factory: pytest.TempPathFactory,
    google: FakeGoogleTTS,
    edge: FakeEdgeTTS,
) -> Iterator[Stack]:
    """The real stack, its online engine answered by the Google stand-in (and edge, for
    articles posted with ``"engine": "edge"``, by the edge stand-in)."""
    with running_stack(
        tmp_path_factory.mktemp("browser-stack"),
        LOA_ENGINE="gtts",
        LOA_GTTS_URL=google.url,
        LOA_EDGE_TTS_URL=edge.url,
    ) as s:
        yield s


@pytest.fixture(scope="package")
def site() -> Iterator[HostSite]:
    with HostSite() as host:
        yield host


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, locale="vi-VN")
    yield ctx
    ctx.close()


class ConsoleLog:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Any) -> Any:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        return page


@pytest.fixture
def console() -> Iterator[ConsoleLog]:
    log = ConsoleLog()
    yield log
    assert log.errors == [], f"console errors: {log.errors}"


@pytest.fixture(scope="package")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
