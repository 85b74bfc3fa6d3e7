"""Score the Vietnamese normalizer on the development set.

Usage::

    .venv/bin/python bench/normalization.py [PATH] [--verbose] [--gate]

PATH defaults to ``../shared/corpus/normalization-dev.tsv`` relative to the repository root.
The TSV has columns id, category, input, expected; accepted readings are separated by " || ".
For each row the script calls ``find_abbreviation_definitions(input)`` and passes the result as
``abbreviations`` to ``normalize`` (as the pipeline does with a whole article), then compares the
output with every accepted reading after folding: NFC, lower case, punctuation and symbols
removed, whitespace collapsed. It prints accuracy per category and overall; ``--verbose`` lists
the failing cases. Exit status is 0 unless ``--gate`` is given and the overall accuracy is below
0.95 or some category is below 0.85.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from loa.text.normalize import find_abbreviation_definitions, normalize

DEFAULT_PATH = REPO_ROOT / ".." / "shared" / "corpus" / "normalization-dev.tsv"
OVERALL_GATE = 0.95
CATEGORY_GATE = 0.85


def fold(text: str) -> str:
    """Fold a reading for comparison: NFC, lower case, no punctuation, single spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = [" " if unicodedata.category(c)[0] in "PS" else c for c in text]
    return " ".join("".join(kept).split())


def read_cases(path: Path) -> list[dict[str, str]]:
    """Read the development set rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [row for row in reader if row.get("id")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--verbose", action="store_true", help="list failing cases")
    parser.add_argument(
        "--gate",
        action="store_true",
        help=f"exit 1 when overall < {OVERALL_GATE} or a category < {CATEGORY_GATE}",
    )
    args = parser.parse_args(argv)

    cases = read_cases(args.path)
    totals: dict[str, int] = defaultdict(int)
    passed: dict[str, int] = defaultdict(int)
    failures = []
    started = time.perf_counter()
    for case in cases:
        definitions = find_abbreviation_definitions(case["input"])
        output = normalize(case["input"], abbreviations=definitions)
        accepted = {fold(v) for v in case["expected"].split(" || ")}
        category = case["category"]
        totals[category] += 1
        if fold(output) in accepted:
            passed[category] += 1
        else:
            failures.append((case, output))
    elapsed = time.perf_counter() - started

    width = max(len(c) for c in totals) if totals else 8
    print(f"{'category':<{width}}  passed  total  accuracy")
    for category in sorted(totals):
        accuracy = passed[category] / totals[category]
        print(
            f"{category:<{width}}  {passed[category]:>6}  {totals[category]:>5}  {accuracy:>8.1%}"
        )
    total = sum(totals.values())
    overall = sum(passed.values()) / total if total else 0.0
    print(f"{'overall':<{width}}  {sum(passed.values()):>6}  {total:>5}  {overall:>8.1%}")
    print(f"({elapsed * 1000:.0f} ms for {total} cases)")

    if args.verbose and failures:
        print("\nFailing cases:")
        for case, output in failures:
            print(f"- {case['id']} [{case['category']}]")
            print(f"    input:    {case['input']}")
            print(f"    output:   {output}")
            print(f"    expected: {case['expected'].split(' || ')[0]}")

    if args.gate:
        worst = min((passed[c] / totals[c] for c in totals), default=0.0)
        if overall < OVERALL_GATE or worst < CATEGORY_GATE:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
