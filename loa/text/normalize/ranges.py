"""Dashes, colons and slashes between numbers: ranges, scores, ratios and fractions.

Conventions
-----------
- Range: a dash between two numbers reads "đến": 2026-2030 = hai nghìn không trăm hai mươi sáu
  đến hai nghìn không trăm ba mươi, 20-25 người, 30-60mm, 5.000-7.000 đồng, 10%-15%.
- Score: in a sports context ("thắng 1-0", "tỷ số 2-2", or a sentence about a match where the
  score is followed by punctuation, a preposition or a team name) the dash is silent:
  2-1 = hai một.
- Ratio and scale: "1:500" = một trên năm trăm; "1:1.000" = một trên một nghìn.
- Fraction: "3/4" = ba phần tư (denominator 4 reads "tư"), "1/10" = một phần mười; after
  "tỷ lệ" a slash reads "trên" (tỷ lệ 1/200 = một trên hai trăm), and so it does in house and
  alley numbers (hẻm 12/5 = hẻm mười hai trên năm) and in "24/7".
Dates, times, phone numbers and document codes are read earlier, so whatever "N-N", "N:N" and
"N/N" remain here are ranges, scores, ratios or fractions.
"""

from __future__ import annotations

import re

from .context import (
    get_sentence,
    get_words_after,
    get_words_before,
    has_cue_after,
    has_cue_before,
)
from .numbers import NORTH, RegionStyle, read_cardinal, read_number
from .tables import get_cues
from .units import UNIT_PATTERN

_INT = r"\d{1,3}(?:\.\d{3})+|\d+"
_SCORE = re.compile(r"(?<![\w.,/\-:])(\d{1,2})\s*[-–:]\s*(\d{1,2})(?![\w%]|[.,/\-:]\d)")
_RATIO = re.compile(rf"(?<![\w.,/:])({_INT}):({_INT})(?![\w]|[.,:]\d)")
_FRACTION = re.compile(rf"(?<![\w.,/\-])({_INT})/({_INT})(?![\w/]|[.,]\d)")
_SCALE = r"(?:\s(?:nghìn tỷ|nghìn|ngàn|triệu|tỷ|tỉ))"
_RANGE = re.compile(
    rf"(?<![\w.,/])(\d+(?:[.,]\d+)*{_SCALE}?(?:\s?(?:{UNIT_PATTERN})(?![\w]))?)"
    rf"\s*[-–—]\s*(?=\d)"
)


def read_fraction(numerator: int, denominator: int, style: RegionStyle = NORTH) -> str:
    """Read a fraction: ``read_fraction(3, 4)`` = "ba phần tư"."""
    below = "tư" if denominator == 4 else read_cardinal(denominator, style)
    return f"{read_cardinal(numerator, style)} phần {below}"


def _is_score(text: str, match: re.Match[str]) -> bool:
    before = get_words_before(text, match.start(), 5)
    if has_cue_before(before, get_cues("ratio_before"), 2):
        return False
    if has_cue_before(before, get_cues("score_before"), 3):
        return True
    sentence = get_sentence(text, match.start())
    if not any(re.search(rf"\b{re.escape(w)}\b", sentence) for w in get_cues("sport")):
        return False
    after = get_words_after(text, match.end(), 1)
    if not after or has_cue_after(after, get_cues("score_after")):
        return True
    following = text[match.end():match.end() + 3].lstrip()
    return following[:1].isupper()


def expand_ranges(text: str, style: RegionStyle = NORTH) -> str:
    """Replace scores, ratios, fractions and ranges between numbers in ``text``."""

    def replace_score(match: re.Match[str]) -> str:
        if not _is_score(text, match):
            return match.group()
        first, second = int(match.group(1)), int(match.group(2))
        return f"{read_cardinal(first, style)} {read_cardinal(second, style)}"

    def replace_ratio(match: re.Match[str]) -> str:
        return f"{read_number(match.group(1), style)} trên {read_number(match.group(2), style)}"

    def replace_fraction(match: re.Match[str]) -> str:
        before = get_words_before(text, match.start(), 3)
        if has_cue_before(before, get_cues("ratio_before") | get_cues("address_before"), 2):
            return replace_ratio(match)
        if match.group() in get_cues("slash_idiom"):
            return replace_ratio(match)
        numerator = int(match.group(1).replace(".", ""))
        denominator = int(match.group(2).replace(".", ""))
        if denominator == 0:
            return replace_ratio(match)
        return read_fraction(numerator, denominator, style)

    def replace_range(match: re.Match[str]) -> str:
        return f"{match.group(1)} đến "

    text = _SCORE.sub(replace_score, text)
    text = _RATIO.sub(replace_ratio, text)
    text = _FRACTION.sub(replace_fraction, text)
    return _RANGE.sub(replace_range, text)
