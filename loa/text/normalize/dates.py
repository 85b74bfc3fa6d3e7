"""Dates: day then month then year.

Forms: 16/5/2022, 16-5-2022, 16.5.2022, 16/05/2022; day and month 7/2 (after a cue word);
month and year 5/2022 and "tháng 11/2024", "tháng 5-2022"; quarters "quý I/2025",
"quý 2/2024", "Q1/2024" (quý một năm ...); ranges 10-15/5, 30/4-1/5.

Convention: "ngày <day> tháng <month> năm <year>". April is "tháng tư"; other months are
cardinals (tháng một, tháng mười hai); "tháng 4" alone also reads "tháng tư". "ngày" is added
when the text has none, except after "hôm" and after a street or place word (đường 30/4 =
đường ba mươi tháng tư). With "ngày", days 1 to 10 take "mồng" (north) or "mùng" (south):
"ngày 1/10" = "ngày mồng một tháng mười". A month and year without "tháng" get it: "5/2022" =
"tháng năm năm hai nghìn không trăm hai mươi hai".

"D/M" is also how fractions are written. It is read as a date when the day and month are valid
and either a cue word precedes it (ngày, sáng, chiều, từ, đến, trước, dịp ...: ``date_before`` in
``data/cues.tsv``), or the first number is larger (7/2 is no fraction); it is left for the
fraction rule when a fraction cue surrounds it (khoảng 3/5 số hộ, chiếm 1/10 diện tích) and
when, without any cue, a smaller first number is followed by a word (sở hữu 1/7 ví).
"""

from __future__ import annotations

import re

from .context import get_words_after, get_words_before, has_cue_after, has_cue_before
from .numbers import NORTH, RegionStyle, read_cardinal
from .roman import parse_roman
from .tables import get_cues

_FULL = r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})"
_FULL_DATE = re.compile(
    rf"(?<![\w.,/\-]){_FULL}(?:\s*[-–]\s*(\d{{1,2}})([/.\-])(\d{{1,2}})\6(\d{{4}}))?"
    r"(?![\w/]|[.,\-]\d)"
)
_DAY_RANGE = re.compile(
    r"(?<![\w.,/\-])(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\w/]|[.,\-]\d)"
)
_DAY_MONTH_RANGE = re.compile(
    r"(?<![\w.,/\-])(\d{1,2})/(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?"
    r"(?![\w/]|[.,\-]\d)"
)
_MONTH_YEAR = re.compile(r"(?<![\w.,/\-])(\d{1,2})/(\d{4})(?![\w/]|[.,\-]\d)")
_MONTH_WORD_YEAR = re.compile(r"(?i:\b(tháng))\s+(\d{1,2})\s*[-./]\s*(\d{4})(?![\w/]|[.,]\d)")
_QUARTER = re.compile(
    r"(?:(?i:\b(quý))\s+|\b(Q))([IV]{1,3}|[1-4])\s*[/\-]\s*(\d{4})(?![\w/]|[.,]\d)"
)
_DAY_MONTH = re.compile(r"(?<![\w.,/\-])(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)")
_DAY_MONTH_DASHED = re.compile(r"(?<![\w.,/\-])(\d{1,2})([.\-])(\d{1,2})(?![\w/]|[.,\-]\d)")
_MONTH_ALONE = re.compile(r"(?i:\b(tháng))\s+(\d{1,2})(?![\w]|[.,/\-]\d)")
_STRONG_DATE_WORDS = ("ngày", "mồng", "mùng", "hôm")


def read_month(month: int, style: RegionStyle = NORTH) -> str:
    """Read a month number: 4 = "tư", otherwise the cardinal."""
    return "tư" if month == 4 else read_cardinal(month, style)


def read_date(day: int | None, month: int | None, year: int | None, *,
              style: RegionStyle = NORTH, day_word: bool = True, prefix: bool = True) -> str:
    """Read a date; ``day_word`` adds "ngày", ``prefix`` allows "mồng"/"mùng" (days 1 to 10)."""
    words = []
    if day is not None:
        if day_word:
            words.append("ngày")
        if prefix and day_word and day <= 10:
            words.append(style.day_prefix)
        words.append(read_cardinal(day, style))
    if month is not None:
        words += ["tháng", read_month(month, style)]
    if year is not None:
        words += ["năm", read_cardinal(year, style)]
    return " ".join(words)


def _is_valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _day_words(text: str, position: int) -> tuple[bool, bool]:
    """Return (add "ngày", allow "mồng") from the words before a date."""
    before = get_words_before(text, position, 3)
    if before and before[-1] in ("mồng", "mùng"):
        return False, False
    if before and before[-1] in ("ngày", "hôm"):
        return False, True
    if has_cue_before(before, get_cues("date_street")):
        return False, False
    return True, True


def _read_with_context(text: str, position: int, day: int, month: int, year: int | None,
                       style: RegionStyle) -> str:
    add_day, allow_prefix = _day_words(text, position)
    words = read_date(day, month, year, style=style, day_word=add_day, prefix=allow_prefix)
    if not add_day and allow_prefix and day <= 10:
        words = f"{style.day_prefix} {words}"
    return words


def is_date_context(text: str, start: int, end: int, day: int, month: int) -> bool:
    """Decide whether a "D/M" found at ``start:end`` is a date rather than a fraction."""
    if not _is_valid(day, month):
        return False
    before = get_words_before(text, start, 3)
    after = get_words_after(text, end, 2)
    if has_cue_before(before, get_cues("ratio_before") | get_cues("address_before"), 2):
        return False
    if has_cue_before(before, get_cues("date_before") | get_cues("date_street")):
        return True
    if f"{day}/{month}" in get_cues("slash_idiom"):
        return False
    if has_cue_after(after, get_cues("fraction_after")):
        return False
    if has_cue_before(before, get_cues("fraction_before")):
        return False
    if day < month:
        return not after
    return True


def expand_dates(text: str, style: RegionStyle = NORTH) -> str:
    """Replace dates, months and quarters in ``text`` by their reading."""

    def replace_full(match: re.Match[str]) -> str:
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if not _is_valid(day, month):
            return match.group()
        words = _read_with_context(text, match.start(), day, month, year, style)
        if match.group(5):
            day2, month2, year2 = int(match.group(5)), int(match.group(7)), int(match.group(8))
            if not _is_valid(day2, month2):
                return match.group()
            words += " đến " + read_date(day2, month2, year2, style=style)
        return words

    def replace_day_month_range(match: re.Match[str]) -> str:
        d1, m1, d2, m2 = (int(g) for g in match.groups()[:4])
        year = int(match.group(5)) if match.group(5) else None
        if not (_is_valid(d1, m1) and _is_valid(d2, m2)):
            return match.group()
        first = _read_with_context(text, match.start(), d1, m1, None, style)
        return first + " đến " + read_date(d2, m2, year, style=style)

    def replace_day_range(match: re.Match[str]) -> str:
        d1, d2, month = int(match.group(1)), int(match.group(2)), int(match.group(3))
        year = int(match.group(4)) if match.group(4) else None
        if not (_is_valid(d1, month) and _is_valid(d2, month) and d1 < d2):
            return match.group()
        add_day, allow_prefix = _day_words(text, match.start())
        first = read_date(d1, None, None, style=style, day_word=add_day, prefix=False)
        return first + " đến " + read_date(d2, month, year, style=style, day_word=False)

    def replace_month_word_year(match: re.Match[str]) -> str:
        month, year = int(match.group(2)), int(match.group(3))
        if not 1 <= month <= 12:
            return match.group()
        return f"{match.group(1)} {read_month(month, style)} năm {read_cardinal(year, style)}"

    def replace_month_year(match: re.Match[str]) -> str:
        month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 1000 <= year <= 2999:
            return match.group()
        before = get_words_before(text, match.start(), 2)
        if has_cue_before(before, get_cues("ratio_before"), 2):
            return match.group()
        return read_date(None, month, year, style=style)

    def replace_quarter(match: re.Match[str]) -> str:
        word, letter, written, year = match.groups()
        value = int(written) if written.isdigit() else parse_roman(written)
        if value is None or (letter and not written.isdigit()):
            return match.group()
        return f"{word or 'quý'} {read_cardinal(value, style)} năm " + read_cardinal(
            int(year), style
        )

    def replace_day_month(match: re.Match[str]) -> str:
        day, month = int(match.group(1)), int(match.group(2))
        if not is_date_context(text, match.start(), match.end(), day, month):
            return match.group()
        return _read_with_context(text, match.start(), day, month, None, style)

    def replace_month_alone(match: re.Match[str]) -> str:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            return match.group()
        return f"{match.group(1)} {read_month(month, style)}"

    def replace_day_month_dashed(match: re.Match[str]) -> str:
        day, month = int(match.group(1)), int(match.group(3))
        before = get_words_before(text, match.start(), 1)
        if not (_is_valid(day, month) and before and before[-1] in _STRONG_DATE_WORDS):
            return match.group()
        return _read_with_context(text, match.start(), day, month, None, style)

    for pattern, replace in (
        (_FULL_DATE, replace_full),
        (_DAY_MONTH_RANGE, replace_day_month_range),
        (_DAY_RANGE, replace_day_range),
        (_QUARTER, replace_quarter),
        (_MONTH_WORD_YEAR, replace_month_word_year),
        (_MONTH_YEAR, replace_month_year),
        (_DAY_MONTH, replace_day_month),
        (_DAY_MONTH_DASHED, replace_day_month_dashed),
        (_MONTH_ALONE, replace_month_alone),
    ):
        text = pattern.sub(replace, text)
    return text
