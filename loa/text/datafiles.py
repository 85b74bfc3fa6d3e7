"""One reader for the text front end's data files (UTF-8, NFC, ``#`` starts a comment line).

Used by :mod:`loa.text.normalize.tables` for ``normalize/data/`` and by the extractor's
modules for ``loa/text/data/``:

- plain lists (``*.txt``): one entry a line;
- TSV tables (``*.tsv``): tab-separated cells, first cell often the name of a list.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


def read_rows_at(path: Path) -> list[list[str]]:
    """The tab-separated rows of ``path``, NFC, without comments or blank lines."""
    rows = []
    text = path.read_text(encoding="utf-8")
    for line in unicodedata.normalize("NFC", text).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@cache
def read_list(name: str) -> tuple[str, ...]:
    """The entries of ``loa/text/data/<name>``, one a line, in file order."""
    return tuple(row[0] for row in read_rows_at(DATA_DIR / name) if row and row[0])


@cache
def read_table(name: str) -> dict[str, tuple[str, ...]]:
    """``loa/text/data/<name>`` as named lists: first cell the list's name, second an entry."""
    lists: dict[str, list[str]] = defaultdict(list)
    for row in read_rows_at(DATA_DIR / name):
        if len(row) >= 2:
            lists[row[0]].append(row[1])
    return {key: tuple(items) for key, items in lists.items()}
