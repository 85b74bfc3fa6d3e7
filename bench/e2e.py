"""End to end: POST an article through the HTTP API to a real worker, against the raw baseline.

Starts a private stack (embedded Redis, one Celery worker process, the API over HTTP, SQLite in
a temp dir), posts the article, and reports:
- time from POST to the first segment ready (progress done >= 1),
- time from POST to ready (the whole MP3 assembled and stored),
- the raw baseline, measured in the same run: the same text through the espeak-ng library and
  the MP3 encoder in one process, no service around it.
The last line is the ratio ready / baseline (target <= 2.0; first segment target <= 0.5 s).

    python bench/e2e.py [ARTICLE] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.baseline import raw_espeak_mp3_seconds
from loa.text.extract import extract_document
from tests.integration.stack import Stack, running_stack

DEFAULT_ARTICLE = REPO.parent / "shared" / "corpus" / "articles" / "langson-khcn-2022.txt"


def post_and_time(stack: Stack, text: str, title: str | None) -> tuple[float, float, dict]:
    with stack.client() as c:
        t0 = time.perf_counter()
        r = c.post("/v1/articles", json={"title": title, "text": text})
        r.raise_for_status()
        article_id = r.json()["id"]
        first = None
        while True:
            body = c.get(f"/v1/articles/{article_id}").json()
            t = time.perf_counter() - t0
            if first is None and body["progress"]["done"] >= 1:
                first = t
            if body["status"] in ("ready", "failed"):
                break
            time.sleep(0.025)  # gentle: the poller shares 2 cores with the worker
        if body["status"] != "ready":
            raise SystemExit(f"article failed: {body['error']}")
        return first if first is not None else t, t, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("article", nargs="?", default=str(DEFAULT_ARTICLE))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw = Path(args.article).read_bytes()
    article = extract_document(raw)
    text = raw.decode("utf-8", errors="replace")
    spoken_text = article.to_text()
    print(f"article: {args.article} ({len(text)} chars posted, {len(spoken_text)} read)")

    firsts, readies, baselines = [], [], []
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp)) as stack:
        for i in range(args.runs):
            baselines.append(raw_espeak_mp3_seconds(spoken_text))
            # an empty segment cache and a unique tail: nothing may short-cut the run
            shutil.rmtree(stack.data_dir / "audio" / "cache", ignore_errors=True)
            first, ready, body = post_and_time(stack, text + f"\n\nLần đo {i + 1}.", None)
            firsts.append(first)
            readies.append(ready)
            print(
                f"run {i + 1}: first segment {first:.3f} s, ready {ready:.3f} s, "
                f"baseline {baselines[-1]:.3f} s, audio {body['duration']:.1f} s, "
                f"{body['progress']['total']} segments, engine {body['engine']}"
            )
    first, ready, base = (statistics.median(x) for x in (firsts, readies, baselines))
    print(f"median first segment: {first:.3f} s (target <= 0.5 s)")
    print(f"median ready: {ready:.3f} s; median raw espeak-ng + LAME baseline: {base:.3f} s")
    print(f"ratio ready/baseline: {ready / base:.2f}x (target <= 2.00x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
