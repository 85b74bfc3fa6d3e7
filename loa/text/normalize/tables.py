"""Data tables of the normalizer, loaded once at import.

The tables live in ``data/`` as UTF-8 TSV files (``#`` starts a comment line) so that linguists
can extend them without touching code:

- ``abbreviations.tsv``: abbreviation, spoken long form, optional flags (``prefix``, ``named``);
- ``legal_codes.tsv``: the letter parts of legal document numbers (NĐ, CP, QĐ, TTg ...);
- ``letters.tsv``: the Vietnamese name of every letter, used to spell acronyms;
- ``units.tsv``: unit symbols and their readings;
- ``currencies.tsv``: currency symbols, readings and whether they are written before the amount;
- ``domains.tsv``: conventional readings of some web-address labels (www, vn ...);
- ``cues.tsv``: named lists of context words (what makes "7/2" a date, "2-1" a score ...).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from loa.text.datafiles import read_rows_at

DATA_DIR = Path(__file__).with_name("data")


def read_rows(name: str) -> list[list[str]]:
    """Return the tab-separated rows of ``data/<name>``, NFC, without comments or blank lines."""
    return read_rows_at(DATA_DIR / name)


def read_mapping(name: str) -> dict[str, str]:
    """Return the first two columns of ``data/<name>`` as a dict (later rows win)."""
    return {row[0]: row[1] for row in read_rows(name) if len(row) >= 2}


def read_cue_lists(name: str = "cues.tsv") -> dict[str, frozenset[str]]:
    """Return the named word lists of ``data/<name>`` (list name -> set of lower-case phrases)."""
    lists: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(name):
        if len(row) >= 2:
            lists[row[0]].add(row[1].lower())
    return {key: frozenset(words) for key, words in lists.items()}


CUES: dict[str, frozenset[str]] = read_cue_lists()


def get_cues(list_name: str) -> frozenset[str]:
    """Return one named cue list (empty when the list does not exist)."""
    return CUES.get(list_name, frozenset())
