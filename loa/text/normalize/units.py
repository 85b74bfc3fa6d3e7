"""Units of measure after numbers, percent signs, and "/" meaning "per".

Convention: a unit symbol right after a number (with or without a space) is read from
``data/units.tsv``: 65 km = sáu mươi lăm ki lô mét, 75 m2 / 75 m² = bảy mươi lăm mét vuông,
8.500 ha = ... héc ta, 27°C = hai mươi bảy độ xê, 180 kWh = ... ki lô oát giờ, 35% = ba mươi
lăm phần trăm. Symbols are case-sensitive (MW is mega-watt; "m" alone is metre only after a
number). A minus sign before a temperature reads "âm" (-5°C = âm năm độ xê).

"/" between a unit or counted word and another word, in an expression that contains a number,
reads "một" (per): 250.000 đồng/tháng = ... đồng một tháng, 2.103 đồng/kWh = ... đồng một ki lô
oát giờ, 180 kWh/tháng, 100 USD/tấn. Compound speed units keep "trên" (km/h = ki lô mét trên giờ),
and so does a "/" before a number (6 lít/100 km = sáu lít trên một trăm ki lô mét).
Unambiguous symbols (flag ``alone``: km, km2, kg, kWh, MW ...) are read even without a number
(hàng trăm km2 = hàng trăm ki lô mét vuông).
"""

from __future__ import annotations

import re

from .abbreviations import FLAGS
from .tables import read_rows

_ROWS = read_rows("units.tsv")
UNITS: dict[str, str] = {row[0]: row[1] for row in _ROWS}
STANDALONE_UNITS = frozenset(row[0] for row in _ROWS if "alone" in row[2:])
UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_STANDALONE_PATTERN = "|".join(
    re.escape(u) for u in sorted(STANDALONE_UNITS, key=len, reverse=True)
)
PER_WORD = "một"
CURRENCY_CODES = frozenset(key for key, flags in FLAGS.items() if "currency" in flags)

_NUMBER = r"\d+(?:[.,]\d+)*"
_SCALE = r"(?:\s(?:nghìn|ngàn|triệu|tỷ|tỉ|trăm))?"
_AFTER_NUMBER = re.compile(rf"({_NUMBER}{_SCALE})(\s?)({UNIT_PATTERN})(?![^\W_]|[²³])")
_NEGATIVE_TEMPERATURE = re.compile(r"(?<![\w.,])[-−](?=\d+(?:,\d+)?\s?(?:°|ºC|oC|℃|độ))")
_PER = re.compile(
    rf"(?<=[^\W_]{{2}}|[^\W_][²³])\s?/\s?(?:({UNIT_PATTERN})(?![^\W_]|[²³])|([^\W\d_]{{2,}}))"
)
_PER_NUMBER = re.compile(
    rf"(?<=[^\W_]{{2}})\s?/\s?({_NUMBER})\s?({UNIT_PATTERN})(?![^\W_]|[²³])"
)
_AFTER_EACH = re.compile(rf"(?i:\b(mỗi))\s({UNIT_PATTERN})(?![^\W_]|[²³])")
_STANDALONE = re.compile(rf"(?<![^\W\d_]|/)({_STANDALONE_PATTERN})(?![^\W\d_]|[²³])")


def expand_units(text: str) -> str:
    """Replace unit symbols that follow numbers, and "/" meaning "per", in ``text``."""
    text = _NEGATIVE_TEMPERATURE.sub("âm ", text)

    def replace_after_number(match: re.Match[str]) -> str:
        number, space, unit = match.groups()
        if unit == "oC" and space:
            return match.group()
        return f"{number} {UNITS[unit]}"

    def replace_per(match: re.Match[str]) -> str:
        start = match.start()
        left = text[max(0, start - 60):start]
        cut = max(left.rfind(". "), left.rfind("; "), left.rfind("\n"))
        if cut >= 0:
            left = left[cut + 1:]
        if not re.search(r"\d|\b(?:nghìn|ngàn|triệu|tỷ|tỉ|trăm|mươi)\b", left):
            return match.group()
        unit, word = match.groups()
        left_word = re.search(r"[^\W_]+$", text[:start].rstrip())
        if (word and word.isupper() and left_word and left_word.group().isupper()
                and not {word, left_word.group()} & CURRENCY_CODES):
            return match.group()  # NQ/TW: a code, not "per"
        return f" {PER_WORD} {UNITS[unit] if unit else word}"

    def replace_after_each(match: re.Match[str]) -> str:
        return f"{match.group(1)} {UNITS[match.group(2)]}"

    text = _PER_NUMBER.sub(lambda m: f" trên {m.group(1)} {UNITS[m.group(2)]}", text)
    text = _AFTER_NUMBER.sub(replace_after_number, text)
    text = _PER.sub(replace_per, text)
    text = _AFTER_EACH.sub(replace_after_each, text)
    return expand_standalone_units(text)


def expand_standalone_units(text: str) -> str:
    """Read unambiguous unit symbols that stand without a number (hàng trăm km2)."""
    return _STANDALONE.sub(lambda match: UNITS[match.group(1)], text)
