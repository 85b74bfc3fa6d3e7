"""Progressive start: POST -> the first segment playable by a player, with a slow online engine.

Starts a private stack whose online engine is the Google stand-in answering each request after
``--delay`` seconds (0.5 by default), posts a 5,000-character article (the segment cache emptied
before each run), and reports the time from the POST until ``/v1/player/lookup`` lists a segment
whose clip answers (what the player needs to start), and until the article is ready.
The browser test tests/browser/test_player_progressive.py measures the same in Chromium, up to
audible playback, and writes its figure to tests/browser/screenshots/progressive-*.txt.

    python bench/player.py [ARTICLE] [--runs N] [--delay SECONDS]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes.google_tts import FakeGoogleTTS
from tests.integration.stack import Stack, running_stack

DEFAULT_ARTICLE = REPO.parent / "shared/corpus/articles/05-dantri-khoi-cong-nha-ga-t3.expected.txt"
TARGET = 3.0


def one_run(stack: Stack, text: str) -> tuple[float, float]:
    shutil.rmtree(stack.data_dir / "audio" / "cache", ignore_errors=True)
    external_id = uuid.uuid4().hex[:12]
    with stack.client() as c:
        t0 = time.monotonic()
        r = c.post("/v1/articles", json={"text": text, "site": "bench", "external_id": external_id})
        r.raise_for_status()
        article_id = r.json()["id"]
        while True:
            state = c.get(
                "/v1/player/lookup", params={"site": "bench", "external_id": external_id}
            ).json()
            if state["playable"]:
                first = state["segments"][0]
                url = first.get("audio") or state["audio"]
                if c.get(url, headers={"Range": "bytes=0-1023"}).status_code in (200, 206):
                    break
            time.sleep(0.05)
        first_at = time.monotonic() - t0
    stack.wait_ready(article_id, timeout=600)
    return first_at, time.monotonic() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("article", nargs="?", default=str(DEFAULT_ARTICLE))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.5)
    args = parser.parse_args()
    text = Path(args.article).read_text(encoding="utf-8")
    firsts: list[float] = []
    with (
        FakeGoogleTTS(mode="slow", delay=args.delay) as google,
        tempfile.TemporaryDirectory() as tmp,
    ):
        with running_stack(Path(tmp), LOA_ENGINE="gtts", LOA_GTTS_URL=google.url) as stack:
            for n in range(args.runs):
                first, ready = one_run(stack, text)
                firsts.append(first)
                print(f"run {n + 1}: first segment playable {first:.2f} s, ready {ready:.1f} s")
    median = statistics.median(firsts)
    print(
        f"{len(text)} characters, engine {args.delay} s a request: first segment playable "
        f"{median:.2f} s after POST (median of {len(firsts)}; target <= {TARGET} s incl. player)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
