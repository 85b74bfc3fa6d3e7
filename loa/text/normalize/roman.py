"""Roman numerals, read as numbers only where they are numerals.

Convention: a Roman numeral (letters I, V, X, L; 1 to 89) is read as a cardinal after a cue word
(``roman_before`` in ``data/cues.tsv``: thế kỷ, đại hội, khóa, quý, chương, phần, mục, kỳ,
nhiệm kỳ, giai đoạn ...): thế kỷ XXI = thế kỷ hai mươi mốt, Quốc hội khóa XIV = khóa mười bốn,
Quý IV = quý bốn. After "thứ" it is an ordinal: lần thứ IX = lần thứ chín, thứ I = thứ nhất,
thứ IV = thứ tư. A numeral of two letters or more may be up to three words after its cue
(Đại hội Đảng bộ tỉnh XVIII) or right after a capitalised name (Thế chiến II, Elizabeth II); a
one-letter numeral (I, V, X) needs the cue right before it. Anything else (the English "I", names
such as "MC", "CV", "DIV", "LIV") is not a numeral here: C, D and M never count.
"""

from __future__ import annotations

import re

from .context import get_words_before, has_cue_before
from .numbers import NORTH, RegionStyle, read_cardinal, read_ordinal
from .tables import get_cues

_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_VALID = re.compile(r"(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_CANDIDATE = re.compile(r"(?<![\w&.\-])([IVXL]+)(?![\w&]|[.\-][\w])")
_CAPITALISED_WORD = re.compile(r"([^\W\d_]+)\s+$")


def parse_roman(numeral: str) -> int | None:
    """Return the value of a Roman numeral made of I, V, X, L, or None when it is not one."""
    if not numeral or not _VALID.fullmatch(numeral):
        return None
    total = 0
    for index, char in enumerate(numeral):
        value = _VALUES[char]
        following = _VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total or None


def expand_roman_numerals(text: str, style: RegionStyle = NORTH) -> str:
    """Replace Roman numerals in numeral positions of ``text`` by their reading."""
    cues = get_cues("roman_before")

    def replace(match: re.Match[str]) -> str:
        numeral = match.group(1)
        value = parse_roman(numeral)
        if value is None:
            return match.group()
        before = get_words_before(text, match.start(), 4)
        if before and before[-1] == "thứ":
            return read_ordinal(value, style)
        if has_cue_before(before, cues, 1):
            return read_cardinal(value, style)
        if len(numeral) >= 2:
            if has_cue_before(before, cues, 3):
                return read_cardinal(value, style)
            previous = _CAPITALISED_WORD.search(text, max(0, match.start() - 40), match.start())
            if previous and previous.group(1)[0].isupper() and not previous.group(1).isupper():
                return read_cardinal(value, style)
        return match.group()

    return _CANDIDATE.sub(replace, text)
