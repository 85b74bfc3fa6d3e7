"""Extraction quality on the Vietnamese article corpus (bag-of-words F1 against references).

Runs what ``loa extract`` runs -- ``loa.text.extract.extract_document(data)`` then
``article.to_text()`` -- on every corpus input (``NN-slug.html`` pages and ``*.txt`` pasted
dumps that have a ``*.expected.txt`` reference), writes ``NN-slug.out.txt`` files into a
temporary folder and scores them with the corpus's own ``score_extract.py``, once for the
pages (``--inputs html``) and once for the dumps (``--inputs txt``).

    .venv/bin/python bench/extract.py [CORPUS_DIR] [--gate] [--keep DIR]

CORPUS_DIR defaults to ``../shared/corpus/articles`` next to the repository. ``--gate`` exits
with 1 when a mean F1 is below the target (0.98 for pages and for dumps); ``--keep DIR``
writes the outputs there instead of a temporary folder.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loa.text.extract import extract_document  # noqa: E402

DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus" / "articles"
TARGET_F1 = 0.98
MEAN_RE = re.compile(r"^mean F1:\s*([0-9.]+)\s*$", re.MULTILINE)


def corpus_inputs(corpus: Path) -> list[Path]:
    """Every ``.html``/``.txt`` input that has an ``.expected.txt`` reference beside it."""
    inputs = []
    for ref in sorted(corpus.glob("*.expected.txt")):
        stem = ref.name[: -len(".expected.txt")]
        for ext in (".html", ".txt"):
            path = corpus / (stem + ext)
            if path.exists():
                inputs.append(path)
    return inputs


def write_outputs(inputs: list[Path], out_dir: Path) -> dict[str, float]:
    """Extract every input into ``out_dir/NN-slug.out.txt``; return seconds per input."""
    timings: dict[str, float] = {}
    for path in inputs:
        data = path.read_bytes()
        start = time.perf_counter()
        try:
            text = extract_document(data).to_text()
        except Exception as exc:  # noqa: BLE001 - a failure scores 0, reported below
            print(f"{path.name}: extraction failed: {exc}", file=sys.stderr)
            text = ""
        timings[path.name] = time.perf_counter() - start
        stem = path.name.rsplit(".", 1)[0]
        (out_dir / f"{stem}.out.txt").write_text(text + "\n", encoding="utf-8")
    return timings


def score(corpus: Path, out_dir: Path, inputs: str) -> tuple[float, str]:
    """Run the corpus scorer for one kind of input; return the mean F1 and its report."""
    scorer = corpus / "score_extract.py"
    proc = subprocess.run(
        [sys.executable, str(scorer), str(out_dir), "--ref-dir", str(corpus), "--inputs", inputs],
        capture_output=True,
        text=True,
        check=False,
    )
    m = MEAN_RE.search(proc.stdout)
    if proc.returncode != 0 or not m:
        raise SystemExit(f"scorer failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return float(m.group(1)), proc.stdout


def main(argv: list[str] | None = None) -> int:
    """Extract, score, print per-file and mean F1 for pages and dumps; gate if asked."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--gate", action="store_true", help=f"exit 1 if a mean F1 < {TARGET_F1}")
    ap.add_argument("--keep", type=Path, help="write the outputs here (kept)")
    args = ap.parse_args(argv)

    corpus = args.corpus.resolve()
    inputs = corpus_inputs(corpus)
    if not inputs:
        print(f"no corpus inputs with references in {corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="loa-extract-") as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        timings = write_outputs(inputs, out_dir)
        results = {}
        for kind, label in (("html", "pages"), ("txt", "dumps")):
            mean, report = score(corpus, out_dir, kind)
            results[label] = mean
            print(f"== {label} (--inputs {kind})")
            print(report.rstrip())
            print()
    slowest = max(timings, key=timings.get)
    print(
        f"extraction time: total {sum(timings.values()):.2f} s, "
        f"slowest {slowest} {timings[slowest]:.2f} s"
    )
    failed = False
    for label, mean in results.items():
        ok = mean >= TARGET_F1
        failed |= not ok
        print(f"mean F1 {label}: {mean:.4f} (target {TARGET_F1}) {'ok' if ok else 'BELOW'}")
    return 1 if (args.gate and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
