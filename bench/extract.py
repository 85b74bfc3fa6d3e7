"""Extraction quality: bag-of-words F1 against hand-made references.

Four sets, each gated at a mean F1 of 0.98:

- ``pages`` and ``dumps``: the shared corpus (``NN-slug.html`` pages and ``*.txt`` pasted dumps
  with a ``*.expected.txt`` reference), scored by the corpus's own ``score_extract.py``;
- ``fragments`` and ``pastes``: the repository's own sets, every
  ``tests/data/extraction/*/fragments/NAME.html`` (CMS body fragments) and
  ``tests/data/extraction/*/pastes/NAME.txt`` (pasted articles with their page's tail) with a
  ``NAME.expected.txt`` beside it, scored here the same way (NFC, lower case, ``\\w+`` tokens,
  multiset F1; reference lines marked ``[caption]``/``[byline]`` left out). A folder that
  does not exist is skipped.

Runs what ``loa extract`` runs -- ``loa.text.extract.extract_document(data)`` then
``article.to_text()``.

    .venv/bin/python bench/extract.py [CORPUS_DIR] [--gate] [--keep DIR] [--sets-only]

CORPUS_DIR defaults to ``../shared/corpus/articles`` next to the repository; without it only
the repository's sets run. ``--gate`` exits with 1 when a mean F1 is below the target;
``--keep DIR`` writes the outputs there; ``--sets-only`` skips the shared corpus.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loa.text.extract import extract_document

DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus" / "articles"
SETS_ROOT = REPO / "tests" / "data" / "extraction"
#: The repository's own sets: name, input extension.
REPO_SETS = (("fragments", ".html"), ("pastes", ".txt"))
TARGET_F1 = 0.98
MEAN_RE = re.compile(r"^mean F1:\s*([0-9.]+)\s*$", re.MULTILINE)
TOKEN_RE = re.compile(r"\w+")
MARKER_RE = re.compile(r"^\[(caption|byline)\]\s?", re.IGNORECASE)


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


def set_inputs(root: Path, name: str, ext: str) -> list[Path]:
    """The inputs of one repository set, across every ``root/*/name`` folder."""
    out = []
    for folder in sorted(p for p in root.glob(f"*/{name}") if p.is_dir()):
        for ref in sorted(folder.glob("*.expected.txt")):
            path = folder / (ref.name[: -len(".expected.txt")] + ext)
            if path.exists():
                out.append(path)
    return out


def extract(path: Path) -> tuple[str, float]:
    """The text ``loa extract`` prints for one input, and the seconds it took."""
    start = time.perf_counter()
    try:
        text = extract_document(path.read_bytes()).to_text()
    except Exception as exc:
        print(f"{path.name}: extraction failed: {exc}", file=sys.stderr)
        text = ""
    return text, time.perf_counter() - start


def write_outputs(inputs: list[Path], out_dir: Path) -> dict[str, float]:
    """Extract every input into ``out_dir/NN-slug.out.txt``; return seconds per input."""
    timings: dict[str, float] = {}
    for path in inputs:
        text, timings[path.name] = extract(path)
        stem = path.name.rsplit(".", 1)[0]
        (out_dir / f"{stem}.out.txt").write_text(text + "\n", encoding="utf-8")
    return timings


def score_corpus(corpus: Path, out_dir: Path, inputs: str) -> tuple[float, str]:
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


def tokens(text: str, *, reference: bool) -> Counter[str]:
    """The scored words: NFC, lower case, ``\\w+``; a reference leaves out marked lines."""
    lines = []
    for line in text.splitlines():
        m = MARKER_RE.match(line)
        if m and reference:
            continue
        lines.append(line[m.end() :] if m else line)
    return Counter(TOKEN_RE.findall(unicodedata.normalize("NFC", "\n".join(lines)).lower()))


def f1(reference: str, output: str) -> float:
    """Bag-of-words F1 of an output against a reference."""
    ref, out = tokens(reference, reference=True), tokens(output, reference=False)
    overlap = sum((ref & out).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(out.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def score_set(inputs: list[Path], keep: Path | None) -> tuple[float, str, dict[str, float]]:
    """Extract and score one repository set; return the mean F1, a report and timings."""
    rows, timings = [], {}
    scores = []
    for path in inputs:
        text, timings[path.name] = extract(path)
        if keep is not None:
            (keep / (path.name.rsplit(".", 1)[0] + ".out.txt")).write_text(text + "\n", "utf-8")
        ref = path.with_name(path.name.rsplit(".", 1)[0] + ".expected.txt")
        value = f1(ref.read_text(encoding="utf-8"), text)
        scores.append(value)
        rows.append(f"{path.parent.parent.name}/{path.name:<44} {value:7.4f}")
    mean = sum(scores) / len(scores) if scores else 0.0
    return mean, "\n".join(rows + [f"mean F1: {mean:.4f}"]), timings


def main(argv: list[str] | None = None) -> int:
    """Extract, score, print per-file and mean F1 for every set; gate if asked."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--gate", action="store_true", help=f"exit 1 if a mean F1 < {TARGET_F1}")
    ap.add_argument("--keep", type=Path, help="write the outputs here (kept)")
    ap.add_argument("--sets-only", action="store_true", help="skip the shared corpus")
    ap.add_argument("--sets-root", type=Path, default=SETS_ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    results: dict[str, float] = {}
    timings: dict[str, float] = {}
    corpus = args.corpus.resolve()
    inputs = [] if args.sets_only else corpus_inputs(corpus) if corpus.is_dir() else []
    if not args.sets_only and not inputs:
        print(f"no shared corpus inputs in {corpus}: pages and dumps not scored\n")
    with tempfile.TemporaryDirectory(prefix="loa-extract-") as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        if inputs:
            timings.update(write_outputs(inputs, out_dir))
            for kind, label in (("html", "pages"), ("txt", "dumps")):
                mean, report = score_corpus(corpus, out_dir, kind)
                results[label] = mean
                print(f"== {label} (--inputs {kind})\n{report.rstrip()}\n")
        for name, ext in REPO_SETS:
            found = set_inputs(args.sets_root, name, ext)
            if not found:
                print(f"== {name}: no samples under {args.sets_root}/*/{name}\n")
                continue
            mean, report, spent = score_set(found, args.keep)
            timings.update(spent)
            results[name] = mean
            print(f"== {name} ({len(found)} samples)\n{report}\n")
    if timings:
        slowest = max(timings, key=lambda k: timings[k])
        print(
            f"extraction time: total {sum(timings.values()):.2f} s, "
            f"slowest {slowest} {timings[slowest]:.2f} s"
        )
    failed = not results
    for label, mean in results.items():
        ok = mean >= TARGET_F1
        failed |= not ok
        print(f"mean F1 {label}: {mean:.4f} (target {TARGET_F1}) {'ok' if ok else 'BELOW'}")
    return 1 if (args.gate and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
