"""Symbols that stand for words, and glue between letters and digits.

Convention:
- "&" = "và" (Sản xuất & Thương mại = Sản xuất và Thương mại);
- "~" before a number = "khoảng", "≈" = "xấp xỉ";
- comparisons: ≤ = nhỏ hơn hoặc bằng, ≥ = lớn hơn hoặc bằng, < = nhỏ hơn, > = lớn hơn (only next
  to a number), = = bằng, ± = cộng trừ, "+" between numbers = cộng, "+" right after a number
  (18+, +15 as a change) = cộng; × and "x" between numbers = nhân (30x40 cm), ÷ = chia;
- "№" and "#" before a number = "số"; "→" = "đến"; ½, ¼, ¾ = một phần hai, một phần tư, ba
  phần tư; "@" before a name (@vtv24) = "a còng";
- bullets, asterisks and other marks with no spoken form are dropped;
- "/" left between two words (và/hoặc) is silent; a hyphen inside a compound of letters
  (Nga-Ukraine, PCCC-CNCH) is silent;
- dashes between words with spaces around ("2024 – triển khai") and ellipses stay, as pauses for
  the segmenter.

``separate_glued_codes`` runs first: it puts a space between capital letters and digits written
together (QL19, U23, 5G, H5N1, Covid-19) so that each part is read by its own rule.
"""

from __future__ import annotations

import re

_UPPER = "A-ZĐ"
_GLUED = re.compile(
    rf"(?<![\w])(?=[{_UPPER}\d]*[{_UPPER}])(?=[{_UPPER}\d]*\d)[{_UPPER}\d]+(?![\w])"
)
_CAPITALS_BEFORE_DIGITS = re.compile(rf"(?<![\w])([{_UPPER}]{{1,5}})(?=\d)")
_BOUNDARY = re.compile(rf"(?<=[{_UPPER}])(?=\d)|(?<=\d)(?=[{_UPPER}])")
_CAPITALISED_DASH_DIGIT = re.compile(rf"(?<![\w])([{_UPPER}][^\W\d_]*)-(?=\d)")

_REPLACEMENTS = (
    (re.compile(r"~\s?(?=\d)"), "khoảng "),
    (re.compile(r"\s?≈\s?"), " xấp xỉ "),
    (re.compile(r"\s?≤\s?"), " nhỏ hơn hoặc bằng "),
    (re.compile(r"\s?≥\s?"), " lớn hơn hoặc bằng "),
    (re.compile(r"\s?<=\s?(?=\d)"), " nhỏ hơn hoặc bằng "),
    (re.compile(r"\s?>=\s?(?=\d)"), " lớn hơn hoặc bằng "),
    (re.compile(r"(?:(?<=\s)|^)<\s?(?=\d)"), "nhỏ hơn "),
    (re.compile(r"(?:(?<=\s)|^)>\s?(?=\d)"), "lớn hơn "),
    (re.compile(r"\s?±\s?"), " cộng trừ "),
    (re.compile(r"(?<=\d)\s?[x×]\s?(?=\d)"), " nhân "),
    (re.compile(r"\s?×\s?"), " nhân "),
    (re.compile(r"\s?÷\s?"), " chia "),
    (re.compile(r"(?<=\d)\s?=\s?(?=\d)"), " bằng "),
    (re.compile(r"\s=\s"), " bằng "),
    (re.compile(r"(?<=\d)\s?\+\s?(?=\d)"), " cộng "),
    (re.compile(r"(?<=\d)\+(?![\w])"), " cộng"),
    (re.compile(r"(?:(?<=\s)|^|(?<=\())\+\s?(?=\d)"), "cộng "),
    (re.compile(r"[№#]\s?(?=\d)"), "số "),
    (re.compile(r"\s?(?:→|->|=>)\s?"), " đến "),
    (re.compile(r"½"), " một phần hai "),
    (re.compile(r"¼"), " một phần tư "),
    (re.compile(r"¾"), " ba phần tư "),
    (re.compile(r"(?:(?<=\s)|^)@(?=\w)"), "a còng "),
)
_JOINING_MARKS = (
    (re.compile(r"\s?&\s?"), " và "),
    (re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])"), " "),
    (re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])"), " "),
    (re.compile(r"[•●▪■□◆◇★☆*_^|]+"), " "),
)


def separate_glued_codes(text: str) -> str:
    """Put spaces between capital letters and digits written as one token (QL19 -> QL 19)."""
    text = _CAPITALISED_DASH_DIGIT.sub(r"\1 ", text)
    text = _GLUED.sub(lambda match: _BOUNDARY.sub(" ", match.group()), text)
    return _CAPITALS_BEFORE_DIGITS.sub(r"\1 ", text)


def expand_symbols(text: str) -> str:
    """Replace symbols next to numbers (~, ≤, ±, x, +, №) in ``text`` by words.

    Runs before numbers are read, since these symbols are recognised by the digits around them.
    """
    for pattern, words in _REPLACEMENTS:
        text = pattern.sub(words, text)
    return text


def expand_joining_marks(text: str) -> str:
    """Read "&" as "và", silence "/" and "-" between words, drop bullets and asterisks.

    Runs last, after numbers became words, so "h/0" and "A-5" end up like "h/không" would.
    """
    for pattern, words in _JOINING_MARKS:
        text = pattern.sub(words, text)
    return text
