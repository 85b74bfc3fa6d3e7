"""Clock times: 8h30, 8g30, 8:30, 14:05:30, 9h, 0h, and ranges of them (8h-10h).

Convention: "<hours> giờ", then "<minutes> phút" when the minutes are not zero, then
"<seconds> giây": 21h30 = hai mươi mốt giờ ba mươi phút, 13h05 = mười ba giờ năm phút,
9h = chín giờ, 0h = không giờ, 12h00 = mười hai giờ; a bare "h" also counts hours of a
duration (72h = bảy mươi hai giờ). "9g" is a time only next to a time word (lúc 9g, 9g sáng),
since it is otherwise 9 grams. A dash between two times reads "đến".
"H:MM" is a time only when the hours are at most 24 and the minutes have two digits below 60,
and not after "tỷ lệ" or "tỷ số" (there "1:10" is a ratio or a score). Already spelled-out times
("15 giờ 20 phút") are left to the number rule.
"""

from __future__ import annotations

import re

from .context import get_words_after, get_words_before, has_cue_before
from .numbers import NORTH, RegionStyle, read_cardinal
from .tables import get_cues

_ONE_TIME = (
    r"(?:(\d{1,2})\s?[hg](\d{2})(?:\s?(?:'|’|p\b|phút))?"  # 8h30, 8g30, 8h30'
    r"|(\d{1,2}):(\d{2})(?::(\d{2}))?"  # 8:30, 14:05:30
    r"|(\d{1,3})h(?![\w]))"  # 9h, 72h
)
_TIME = re.compile(
    rf"(?<![\w.,:/]){_ONE_TIME}(?:\s*[-–]\s*{_ONE_TIME})?(?![\w]|[.,:]\d)"
)
_G_HOUR = re.compile(r"(?<![\w.,:/])(\d{1,2})g(?![\w]|[.,:]\d)")
_G_HOUR_AFTER = ("sáng", "trưa", "chiều", "tối", "đêm", "khuya", "ngày", "hôm", "hằng", "mỗi")
_G_HOUR_BEFORE = ("lúc", "từ", "đến", "tới", "vào", "khoảng", "trước", "sau", "đúng")


def read_clock(hours: int, minutes: int = 0, seconds: int = 0,
               style: RegionStyle = NORTH) -> str:
    """Read a time of day: ``read_clock(21, 30)`` = "hai mươi mốt giờ ba mươi phút"."""
    words = [read_cardinal(hours, style), "giờ"]
    if minutes:
        words += [read_cardinal(minutes, style), "phút"]
    if seconds:
        words += [read_cardinal(seconds, style), "giây"]
    return " ".join(words)


def _parse(groups: tuple[str | None, ...]) -> tuple[int, int, int] | None:
    h1, m1, h2, m2, s2, h3 = groups
    if h1 is not None:
        values = (int(h1), int(m1), 0)
    elif h2 is not None:
        values = (int(h2), int(m2), int(s2) if s2 else 0)
    elif h3 is not None:
        values = (int(h3), 0, 0)
    else:
        return None
    hours, minutes, seconds = values
    if minutes > 59 or seconds > 59 or (hours > 24 and h3 is None):
        return None
    return values


def expand_times(text: str, style: RegionStyle = NORTH) -> str:
    """Replace clock times in ``text`` by their reading."""

    def replace(match: re.Match[str]) -> str:
        first = _parse(match.groups()[:6])
        second = _parse(match.groups()[6:])
        if first is None:
            return match.group()
        if ":" in match.group():
            words = get_words_before(text, match.start(), 3)
            if has_cue_before(words, get_cues("ratio_before") | get_cues("score_before"), 2):
                return match.group()
        spoken = read_clock(*first, style=style)
        if match.group(7) or match.group(9) or match.group(12):
            if second is None:
                return match.group()
            spoken += " đến " + read_clock(*second, style=style)
        return spoken

    def replace_g_hour(match: re.Match[str]) -> str:
        hours = int(match.group(1))
        before = get_words_before(text, match.start(), 1)
        after = get_words_after(text, match.end(), 1)
        if hours > 24 or not (
            (before and before[-1] in _G_HOUR_BEFORE) or (after and after[0] in _G_HOUR_AFTER)
        ):
            return match.group()
        return read_clock(hours, style=style)

    text = _TIME.sub(replace, text)
    return _G_HOUR.sub(replace_g_hour, text)
