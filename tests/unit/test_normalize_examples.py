"""Normalization examples, one per line of tests/data/normalization/<category>.tsv.

Each file has a header line ``input<TAB>expected<TAB>note``; every other line is one example:
the written text, the readings accepted for it (separated by `` || `` when more than one is
right) and a short note saying what the example shows. Blank lines and lines starting with
``#`` are skipped. A test id is ``<category>:<line>``, so a failure points at its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from loa.text.normalize import normalize

DATA = Path(__file__).resolve().parents[1] / "data" / "normalization"
HEADER = ["input", "expected", "note"]
READING_SEPARATOR = " || "


@dataclass(frozen=True)
class Example:
    category: str
    line: int
    text: str
    readings: tuple[str, ...]
    note: str


def read_examples(path: Path) -> list[Example]:
    """The examples of one TSV file; ValueError naming the line when a line is malformed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != HEADER:
        raise ValueError(f"{path.name}:1: the header must be {' / '.join(HEADER)}")
    examples = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(HEADER) or not all(field.strip() for field in fields):
            raise ValueError(f"{path.name}:{number}: expected three non-empty tab-separated fields")
        text, expected, note = fields
        readings = tuple(reading.strip() for reading in expected.split(READING_SEPARATOR))
        examples.append(Example(path.stem, number, text, readings, note))
    return examples


FILES = sorted(DATA.glob("*.tsv"))
EXAMPLES = [example for path in FILES for example in read_examples(path)]


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=f"{e.category}:{e.line}") for e in EXAMPLES]
)
def test_normalization_example(example: Example) -> None:
    spoken = normalize(example.text)
    assert spoken in example.readings, f"{example.note}: {example.text!r} -> {spoken!r}"


def test_every_category_has_examples() -> None:
    counts = {path.stem: len(read_examples(path)) for path in FILES}
    assert len(counts) >= 15
    assert all(count >= 5 for count in counts.values()), counts


def test_an_input_appears_once() -> None:
    seen: dict[str, str] = {}
    for example in EXAMPLES:
        where = f"{example.category}:{example.line}"
        assert example.text not in seen, f"{where} repeats {seen.get(example.text)}"
        seen[example.text] = where


def test_a_malformed_line_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.tsv"
    path.write_text("input\texpected\tnote\nCó 3 người.\tCó ba người.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.tsv:2"):
        read_examples(path)


def test_alternative_readings_are_split(tmp_path: Path) -> None:
    path = tmp_path / "alt.tsv"
    path.write_text(
        "input\texpected\tnote\n# a comment\n\n1/4\tmột phần tư || một trên bốn\tfraction\n",
        encoding="utf-8",
    )
    [example] = read_examples(path)
    assert (example.line, example.readings) == (4, ("một phần tư", "một trên bốn"))
