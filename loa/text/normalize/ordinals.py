"""Ordinals and weekdays written with digits: "thứ 2", "lần thứ 3", "Thứ 5", "hạng 1".

Convention: after "thứ" the number is an ordinal: 1 = nhất, 4 = tư, otherwise the cardinal
(thứ 22 = thứ hai mươi hai, thứ 14 = thứ mười bốn). The same words serve weekdays, so "Thứ 2" =
"thứ hai", "thứ 4 hằng tuần" = "thứ tư hằng tuần"; a weekday range "Thứ 2 - Thứ 6" reads
"thứ hai đến thứ sáu", and so do "T2-T6" and "T2-CN" (thứ hai đến chủ nhật). After "hạng",
1 and 4 read as ordinals too (hạng 1 = hạng nhất, hạng 4 = hạng tư; hạng 2 = hạng hai).
Roman numerals after "thứ" are handled by the Roman numeral rule.
"""

from __future__ import annotations

import re

from .numbers import NORTH, RegionStyle, read_ordinal

_WEEKDAY_RANGE = re.compile(
    r"(?<![\w])T([2-7])\s*[-–]\s*(?:T([2-7])|(CN))(?![\w])"
    r"|(?i:\b(thứ))\s*([2-7])\s*[-–]\s*(CN|(?i:chủ nhật))(?![\w])"
)
_ORDINAL = re.compile(
    r"(?i:\b(thứ))\s*(\d{1,3})(?:\s*[-–]\s*(?:(?i:(thứ))\s*)?(\d{1,3}))?(?![\w]|[.,/:]\d)"
)
_RANK = re.compile(r"(?i:\b(hạng))\s+([14])(?![\w]|[.,/:\-]\d)")


def expand_ordinals(text: str, style: RegionStyle = NORTH) -> str:
    """Replace "thứ N" and "hạng N" in ``text`` by their reading."""

    def replace_ordinal(match: re.Match[str]) -> str:
        word, first, second_word, second = match.groups()
        spoken = f"{word} {read_ordinal(int(first), style)}"
        if second:
            spoken += f" đến {second_word or word.lower()} {read_ordinal(int(second), style)}"
        return spoken

    def replace_rank(match: re.Match[str]) -> str:
        return f"{match.group(1)} {read_ordinal(int(match.group(2)), style)}"

    def replace_weekday_range(match: re.Match[str]) -> str:
        first = match.group(1) or match.group(5)
        second = match.group(2)
        word = match.group(4) or "thứ"
        end = f"thứ {read_ordinal(int(second), style)}" if second else "chủ nhật"
        return f"{word} {read_ordinal(int(first), style)} đến {end}"

    text = _WEEKDAY_RANGE.sub(replace_weekday_range, text)
    text = _ORDINAL.sub(replace_ordinal, text)
    return _RANK.sub(replace_rank, text)

