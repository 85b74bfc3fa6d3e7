"""Money: currency symbols around amounts, and informal "k"/"tr" amounts.

Convention: the currency is read after the amount and its scale word, as a listener expects:
"$200.000" = hai trăm nghìn đô la, "US$5 triệu" = năm triệu đô la Mỹ, "€30" = ba mươi ơ rô,
"50.000đ" / "50.000 ₫" = năm mươi nghìn đồng. Codes (USD = đô la Mỹ, VNĐ and VND = đồng, EUR = ơ
rô) are voiced by the abbreviation table wherever they stand, so "9 tỷ USD" = chín tỷ đô la Mỹ
and "7,5 tỷ đồng" needs nothing. Informal suffixes glued to a number: "50k" = năm mươi nghìn,
"5tr" = năm triệu. Symbols and readings come from ``data/currencies.tsv``.
"""

from __future__ import annotations

import re

from .numbers import NORTH, RegionStyle
from .tables import read_rows

_ROWS = read_rows("currencies.tsv")
PREFIX_SYMBOLS: dict[str, str] = {row[0]: row[1] for row in _ROWS if row[2:] == ["prefix"]}
SUFFIX_SYMBOLS: dict[str, str] = {row[0]: row[1] for row in _ROWS if row[2:] == ["suffix"]}

_NUMBER = r"\d+(?:[.,]\d+)*"
_SCALE = r"nghìn tỷ|ngàn tỷ|nghìn|ngàn|triệu|tỷ|tỉ"


def _alternation(symbols: dict[str, str]) -> str:
    return "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))


_PREFIX = re.compile(
    rf"(?<![\w$€£¥])({_alternation(PREFIX_SYMBOLS)})\s?({_NUMBER})(\s?(?:{_SCALE})\b)?"
)
_SUFFIX = re.compile(rf"({_NUMBER})(\s?(?:{_SCALE}))?\s?({_alternation(SUFFIX_SYMBOLS)})(?!\w)")
_INFORMAL = re.compile(rf"(?<![\w.,])({_NUMBER})(k|tr)(?![\w])")


def expand_currency(text: str, style: RegionStyle = NORTH) -> str:
    """Move currency symbols after their amount and voice them; expand "50k" and "5tr"."""

    def replace_prefix(match: re.Match[str]) -> str:
        symbol, number, scale = match.groups()
        scale = f" {scale.strip()}" if scale else ""
        return f"{number}{scale} {PREFIX_SYMBOLS[symbol]}"

    def replace_suffix(match: re.Match[str]) -> str:
        number, scale, symbol = match.groups()
        scale = f" {scale.strip()}" if scale else ""
        return f"{number}{scale} {SUFFIX_SYMBOLS[symbol]}"

    def replace_informal(match: re.Match[str]) -> str:
        number, suffix = match.groups()
        word = style.thousand if suffix == "k" else "triệu"
        return f"{number} {word}"

    text = _PREFIX.sub(replace_prefix, text)
    text = _SUFFIX.sub(replace_suffix, text)
    return _INFORMAL.sub(replace_informal, text)
