"""Memory of one long article: render_article (espeak) on a 200,000-character article, in a
fresh process, reporting the peak RSS and the RSS once the result is dropped.

The article is made of the sentences in bench/data/memory-sentences.txt, four to a paragraph,
drawn in a seeded order so that no paragraph repeats (the text cleaner drops repeated lines);
the sentences themselves repeat, so most segments come from the segment cache (a file store in
a temp dir, as in the worker). That changes the time, not the memory: every segment is still
read, joined and written. ``--chars`` sets the length.

    python bench/memory.py [--chars N] [--json] [--limit-mb 250]

With ``--limit-mb`` the exit status is 1 when the peak is over the limit.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SENTENCES = Path(__file__).resolve().parent / "data" / "memory-sentences.txt"
SENTENCES_PER_PARAGRAPH = 4


def long_article_text(chars: int = 200_000, seed: int = 7) -> str:
    """About ``chars`` characters of Vietnamese news prose (never more), no paragraph twice."""
    sentences = [s for s in SENTENCES.read_text(encoding="utf-8").splitlines() if s.strip()]
    rng = random.Random(seed)
    paragraphs: list[str] = []
    seen: set[str] = set()
    length = 0
    while True:
        paragraph = " ".join(rng.sample(sentences, SENTENCES_PER_PARAGRAPH))
        if paragraph in seen:
            continue
        if length + len(paragraph) > chars:
            break
        seen.add(paragraph)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _status_mb(field: str) -> float | None:
    """A size from /proc/self/status (Linux), in MB; None elsewhere."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def rss_mb() -> float | None:
    """This process's resident memory now (Linux; None elsewhere)."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """The highest resident memory this process has had.

    VmHWM on Linux: ``ru_maxrss`` would do elsewhere, but on Linux it survives exec and so
    reports the peak of whatever process started this one (a test runner holding 280 MB).
    """
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


def measure(chars: int) -> dict[str, float | int | None]:
    from loa.config import Settings
    from loa.engines.registry import get_engine
    from loa.pipeline import render_article
    from loa.storage import LocalStorage
    from loa.text.extract import extract_plain_text

    settings = Settings()
    engine = get_engine("espeak", settings)
    engine.synthesize("xin chào", engine.default_voice)  # loaded, as in a warmed-up worker
    text = long_article_text(chars)
    start_rss, start_peak = rss_mb(), peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalStorage(Path(tmp))
        started = time.perf_counter()
        rendered = render_article(
            extract_plain_text(text, title="Bài dài"),
            engine,
            engine.default_voice,
            settings,
            storage=storage,
            key="articles/long/r1.mp3",
        )
        seconds = time.perf_counter() - started
        result = {
            "chars": len(text),
            "segments": len(rendered.segments),
            "audio_mb": round(rendered.size / 2**20, 1),
            "audio_seconds": round(rendered.duration, 1),
            "render_seconds": round(seconds, 1),
        }
        del rendered
    after = rss_mb()
    return {
        **result,
        "rss_before_mb": None if start_rss is None else round(start_rss, 1),
        "peak_before_mb": round(start_peak, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_mb": None if after is None else round(after, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=200_000, help="article length")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit-mb", type=float, help="fail when the peak RSS is over this")
    args = parser.parse_args(argv)
    figures = measure(args.chars)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['chars']} characters, {figures['segments']} segments, "
            f"{figures['audio_mb']} MB of MP3 ({figures['audio_seconds']} s) "
            f"in {figures['render_seconds']} s"
        )
        print(
            f"RSS before {figures['rss_before_mb']} MB, peak {figures['peak_rss_mb']} MB, "
            f"after {figures['rss_after_mb']} MB"
        )
    peak = figures["peak_rss_mb"]
    assert isinstance(peak, float)
    if args.limit_mb is not None and peak > args.limit_mb:
        print(f"peak RSS {peak} MB is over the limit of {args.limit_mb} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
