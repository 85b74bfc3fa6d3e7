"""Telephone numbers, read digit by digit in their written groups.

Recognised forms: mobile and landline numbers starting with 0 written with spaces, dots or
dashes between groups (0912 345 678, 0912.345.678, 024.3825.1234, 0258.3560.112) or unbroken
(0912345678); an area code in parentheses ((024) 3825 1234); the country code (+84 912 345 678,
read "cộng tám tư ..."); toll-free and premium lines 1800/1900 (1800 1567). A number starting with
0 must have 9 to 11 digits in all, so that "0,5" or a short code is not taken for a phone number.

Three-digit emergency numbers (111 to 119) are read digit by digit after "gọi", "số", "tổng đài",
"đường dây nóng" (gọi số 115 = gọi số một một năm); elsewhere they stay ordinary numbers.
"""

from __future__ import annotations

import re

from .context import get_words_before, has_cue_before
from .numbers import read_digits
from .tables import get_cues

_SEP = r"[ .\-]"
_LOCAL = re.compile(
    rf"(?<![\w.,+])(?:\(0\d{{1,3}}\)\s?\d{{3,4}}(?:{_SEP}?\d{{2,4}}){{1,2}}"
    rf"|0\d{{1,4}}(?:{_SEP}\d{{2,8}}){{1,3}}"
    rf"|0\d{{8,10}})(?![\w]|[.,]\d)"
)
_INTERNATIONAL = re.compile(
    rf"(?<![\w.,])(?:\+|\(\+)84\)?\s?\(?0?\)?\d{{1,3}}(?:{_SEP}?\d{{2,4}}){{2,3}}(?![\w]|[.,]\d)"
)
_SERVICE = re.compile(rf"(?<![\w.,])1[89]00{_SEP}?\d{{2,4}}(?:{_SEP}?\d{{2,4}})?(?![\w]|[.,]\d)")
_EMERGENCY = re.compile(r"(?<![\w.,])11[1-9](?![\w]|[.,]\d)")


def read_phone_number(written: str) -> str:
    """Read a written phone number group by group, digit by digit."""
    words = []
    if written.lstrip("(").startswith("+"):
        words.append("cộng")
    for group in re.findall(r"\d+", written):
        words.append(read_digits(group))
    return " ".join(words)


def _count_digits(written: str) -> int:
    return sum(char.isdigit() for char in written)


def expand_phone_numbers(text: str) -> str:
    """Replace phone numbers in ``text`` by their digit-by-digit reading."""

    def replace(match: re.Match[str]) -> str:
        written = match.group()
        if written.startswith(("0", "(0")) and not 9 <= _count_digits(written) <= 11:
            return written
        return read_phone_number(written)

    def replace_emergency(match: re.Match[str]) -> str:
        words = get_words_before(text, match.start(), 3)
        if has_cue_before(words, get_cues("hotline_before"), 2):
            return read_digits(match.group())
        return match.group()

    text = _INTERNATIONAL.sub(replace, text)
    text = _SERVICE.sub(replace, text)
    text = _LOCAL.sub(replace, text)
    return _EMERGENCY.sub(replace_emergency, text)
