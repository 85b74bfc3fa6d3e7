"""Numbers: cardinals, decimals and digit strings, read the way a Vietnamese newsreader does.

Conventions
-----------
- Cardinals group by thousands: nghìn (north) / ngàn (south), triệu, tỷ; beyond a billion the
  groups repeat on "tỷ" (1.000.000.000.000 = "một nghìn tỷ").
- Tone rules of the units digit: "mốt" for 1 after mươi (21 = hai mươi mốt, but 11 = mười một,
  101 = một trăm linh một), "lăm" for 5 after mười/mươi (15 = mười lăm, 25 = hai mươi lăm),
  "tư" for 4 after mươi in the north (24 = hai mươi tư; south: hai mươi bốn).
- An empty tens place inside a number reads "linh" (north) or "lẻ" (south): 204 = hai trăm linh
  bốn. A non-leading group of three keeps its "không trăm": 10.005 = mười nghìn không trăm linh
  năm, 2030 = hai nghìn không trăm ba mươi. Groups that are all zero are skipped:
  2.700.000 = hai triệu bảy trăm nghìn.
- Written numbers: a dot groups thousands (1.500.000), a comma is the decimal mark
  (3,5 = ba phẩy năm). Decimal digits are read as a number when short (18,75 = mười tám phẩy bảy
  mươi lăm) and digit by digit when they start with 0 or are long (6,04 = sáu phẩy không bốn).
  A dot that does not group thousands is read "chấm" (4.0 = bốn chấm không).
- Leading zeros: "07" (official style for small counts) = bảy; three or more digits with a
  leading zero, or more than 15 digits, are read digit by digit (codes, account numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


@dataclass(frozen=True)
class RegionStyle:
    """Words that differ between northern and southern reading."""

    zero_tens: str  # 204 = hai trăm linh/lẻ bốn
    thousand: str  # nghìn / ngàn
    four_after_tens: str  # 24 = hai mươi tư / bốn
    day_prefix: str  # mồng / mùng before days 1 to 10


NORTH = RegionStyle(zero_tens="linh", thousand="nghìn", four_after_tens="tư", day_prefix="mồng")
SOUTH = RegionStyle(zero_tens="lẻ", thousand="ngàn", four_after_tens="bốn", day_prefix="mùng")


def get_style(region: str) -> RegionStyle:
    """Return the reading style of a region name ("north" or "south")."""
    if region == "south":
        return SOUTH
    if region == "north":
        return NORTH
    raise ValueError(f"unknown region {region!r}: expected 'north' or 'south'")


def read_group(value: int, style: RegionStyle = NORTH, full: bool = False) -> str:
    """Read 1..999; ``full`` keeps "không trăm"/"linh" as needed inside a larger number."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append(style.zero_tens)
            words.append(DIGIT_WORDS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGIT_WORDS[units])
    else:
        words += [DIGIT_WORDS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 4:
            words.append(style.four_after_tens)
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(DIGIT_WORDS[units])
    return " ".join(words)


def _read_positive(value: int, style: RegionStyle, full: bool) -> str:
    if value >= 10**9:
        high, low = divmod(value, 10**9)
        head = _read_positive(high, style, full) + " tỷ"
        if low == 0:
            return head
        return head + " " + _read_positive(low, style, True)
    parts = []
    rest = value
    leading = True
    for size, name in ((10**6, "triệu"), (10**3, style.thousand), (1, "")):
        group, rest = divmod(rest, size)
        if group == 0:
            continue
        words = read_group(group, style, full or not leading)
        parts.append(f"{words} {name}" if name else words)
        leading = False
    return " ".join(parts)


def read_cardinal(value: int, style: RegionStyle = NORTH) -> str:
    """Read an integer: ``read_cardinal(2030)`` = "hai nghìn không trăm ba mươi"."""
    if value < 0:
        return "âm " + read_cardinal(-value, style)
    if value == 0:
        return DIGIT_WORDS[0]
    return _read_positive(value, style, False)


def read_ordinal(value: int, style: RegionStyle = NORTH) -> str:
    """Read the number after "thứ": 1 = nhất, 4 = tư, otherwise the cardinal (thứ hai mươi tư)."""
    if value == 1:
        return "nhất"
    if value == 4:
        return "tư"
    return read_cardinal(value, style)


def read_digits(digits: str) -> str:
    """Read a digit string one digit at a time: "0912" = "không chín một hai"."""
    return " ".join(DIGIT_WORDS[int(d)] for d in digits if d.isdigit())


def read_integer_string(digits: str, style: RegionStyle = NORTH) -> str:
    """Read a written integer, keeping codes with leading zeros digit by digit."""
    if len(digits) > 15 or (len(digits) > 2 and digits[0] == "0"):
        return read_digits(digits)
    return read_cardinal(int(digits), style)


def read_fraction_digits(digits: str, style: RegionStyle = NORTH) -> str:
    """Read the digits after a decimal mark (as a number when short, else digit by digit)."""
    if digits[0] == "0" or len(digits) > 3:
        return read_digits(digits)
    return read_cardinal(int(digits), style)


_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_COMMA = re.compile(r"\d{1,3}(?:,\d{3}){2,}")


def read_number(token: str, style: RegionStyle = NORTH) -> str:
    """Read a written number such as "1.850", "2,28", "10.005", "4.0" or "0912"."""
    integer, comma, decimals = token.partition(",")
    if _GROUPED_COMMA.fullmatch(token):  # 1,234,567 (English grouping, only with 2+ groups)
        return read_cardinal(int(token.replace(",", "")), style)
    if _GROUPED.fullmatch(integer):
        words = read_cardinal(int(integer.replace(".", "")), style)
    elif "." in integer:
        head, *tails = integer.split(".")
        words = " chấm ".join(
            [read_integer_string(head, style)] + [read_fraction_digits(t, style) for t in tails]
        )
    else:
        words = read_integer_string(integer, style)
    if comma and decimals:
        parts = decimals.split(",")
        words += " phẩy " + " phẩy ".join(read_fraction_digits(p, style) for p in parts if p)
    return words


NUMBER = r"\d+(?:[.,]\d+)*"
_NUMBER_TOKEN = re.compile(NUMBER)


def expand_numbers(text: str, style: RegionStyle = NORTH) -> str:
    """Replace every number left in ``text`` by its reading (the last, catch-all rule)."""

    def replace(match: re.Match[str]) -> str:
        words = read_number(match.group(), style)
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before.isalpha():
            words = " " + words
        if after.isalpha():
            words += " "
        return words

    return _NUMBER_TOKEN.sub(replace, text)
