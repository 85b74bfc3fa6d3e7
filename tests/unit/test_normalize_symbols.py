"""Symbols that stand for words (loa.text.normalize.symbols).

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

from loa.text.normalize.symbols import separate_glued_codes


def test_separate_glued_codes():
    assert separate_glued_codes("QL19 và U23, H5N1") == "QL 19 và U 23, H 5 N 1"
