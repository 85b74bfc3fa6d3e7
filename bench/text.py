"""The text front end (extract -> clean -> normalize -> segment) against raw espeak-ng synthesis.

Runs Loa's whole text front end on an article file several times and takes the median, then
measures the raw baseline in the same run: the same text through the espeak-ng library and the
MP3 encoder in one process (``bench.baseline.raw_espeak_mp3_seconds``). The front end must be
a small share of what synthesis costs anyway; the last line is the ratio front end / raw
(target < 5%).

    .venv/bin/python bench/text.py [ARTICLE] [--repeat N] [--max-chars N] [--region R]

The default article is ``../shared/corpus/articles/langson-khcn-2022.txt`` from the repo root.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.baseline import raw_espeak_mp3_seconds
from loa.pipeline import prepare_segments
from loa.text.model import Block, ExtractedArticle, Segment

DEFAULT_ARTICLE = REPO / ".." / "shared" / "corpus" / "articles" / "langson-khcn-2022.txt"
TARGET_RATIO = 0.05


def extract_lines(data: bytes) -> ExtractedArticle:
    """Fallback extractor when ``loa.text.extract`` is missing: first line title, one block a
    non-empty line."""
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return ExtractedArticle(
        title=lines[0] if lines else "", blocks=[Block("body", line) for line in lines[1:]]
    )


def load_extractor() -> tuple[Callable[[bytes], ExtractedArticle], str]:
    """``loa.text.extract.extract_document`` (which also cleans), or the line splitter."""
    try:
        from loa.text.extract import extract_document
    except ImportError:
        return extract_lines, "line splitter (loa.text.extract is missing)"
    return extract_document, "loa.text.extract.extract_document"


def front_end(
    data: bytes,
    *,
    extract: Callable[[bytes], ExtractedArticle],
    max_chars: int,
    region: str,
) -> list[Segment]:
    """Everything Loa does to text before the first engine call: extraction, then the first
    stage of ``loa.pipeline.render_article`` (``prepare_segments``)."""
    return prepare_segments(extract(data), max_chars=max_chars, region=region)


def render_seconds(article: ExtractedArticle) -> float:
    """Seconds ``loa.pipeline.render_article`` (the function the job and ``loa say`` call)
    takes on the article with espeak and an empty segment cache."""
    from loa.config import Settings
    from loa.engines.registry import get_engine
    from loa.pipeline import render_article
    from loa.storage import MemoryStorage

    settings = Settings()
    engine = get_engine("espeak", settings)
    return timed(
        lambda: render_article(
            article, engine, engine.default_voice, settings, storage=MemoryStorage(), key="a.mp3"
        )
    )


def timed(function: Callable[[], object]) -> float:
    """Wall-clock seconds one call of ``function`` takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("article", nargs="?", default=str(DEFAULT_ARTICLE))
    parser.add_argument("--repeat", type=int, default=15, help="front-end runs (median)")
    parser.add_argument("--baseline-runs", type=int, default=3, help="raw espeak runs (median)")
    parser.add_argument(
        "--render-runs", type=int, default=3, help="whole render_article runs (median; 0: skip)"
    )
    parser.add_argument("--max-chars", type=int, default=200, help="longest segment")
    parser.add_argument("--region", default="north", choices=["north", "south"])
    args = parser.parse_args(argv)

    path = Path(args.article).resolve()
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    extract, extractor_name = load_extractor()
    run = functools.partial(
        front_end, data, extract=extract, max_chars=args.max_chars, region=args.region
    )

    cold = timed(run)  # first call: lazy tables, regex compilation, caches
    segments = run()
    front = statistics.median([timed(run) for _ in range(max(1, args.repeat))])
    spoken_text = extract(data).to_text()  # what the listener hears, as bench/e2e.py does
    raw = statistics.median(
        [raw_espeak_mp3_seconds(spoken_text) for _ in range(max(1, args.baseline_runs))]
    )

    print(f"article: {path.name}, {len(text)} chars, {len(spoken_text)} read")
    print(f"extractor: {extractor_name}")
    print(
        f"front end: {len(segments)} segments of <= {args.max_chars} chars, "
        f"{sum(len(s.text) for s in segments)} spoken chars ({args.repeat} timed runs)"
    )
    print(f"front end: first run {cold * 1000:.1f} ms, median {front * 1000:.1f} ms")
    print(f"raw espeak-ng + LAME on the read text: median {raw * 1000:.1f} ms")
    ratio = front / raw
    verdict = "ok" if ratio < TARGET_RATIO else "OVER TARGET"
    print(
        f"front end {front * 1000:.1f} ms / raw espeak {raw * 1000:.1f} ms = {ratio:.2%} "
        f"(target < {TARGET_RATIO:.0%}: {verdict})"
    )
    if args.render_runs > 0:
        article = extract(data)
        render = statistics.median([render_seconds(article) for _ in range(args.render_runs)])
        print(
            f"whole render_article (espeak, cold cache): median {render * 1000:.1f} ms "
            f"= {render / raw:.2f}x raw espeak-ng + LAME"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
