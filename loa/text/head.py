"""The head of a pasted page: menus, breadcrumbs and utility bars above the headline.

A page pasted whole starts with its chrome: a run of short section names (the menu), a
breadcrumb ("Trang chủ » Tin tức", "Xã hội / Giao thông"), utility lines (search, login, font
size, hotline, weather: vocabulary in ``data/head_utilities.txt``), date stamps and the site's
all-caps banner. :func:`cut_page_head` finds the first prose paragraph and the headline-shaped
line right before it (the title) and drops the chrome-shaped lines above that title. Lines of
any other shape stay, and nothing from the title on is dropped (an author line such as "Đăng
bởi Minh Thư" between the title and the prose becomes a byline), so a text without such a head
comes back whole.
"""

from __future__ import annotations

import re
from functools import cache

from loa.text.bylines import is_byline
from loa.text.chrome import is_chrome_line, is_footer_line
from loa.text.datafiles import read_list
from loa.text.lines import Line
from loa.text.phrases import alternation, is_nav_like
from loa.text.words import (
    SENTENCE_END_RE,
    ends_sentence,
    is_all_caps,
    is_substantial,
    word_count,
)

#: Lines between the title and the first prose paragraph (date, byline, sapo label...).
TITLE_GAP_MAX_LINES = 3
#: A headline is at least this long (a shorter line above prose is a label or a name).
HEADLINE_MIN_WORDS = 4
HEADLINE_MAX_WORDS = 40
#: A lone short line of at most this many words is a section label; a longer one (up to a
#: menu entry's length) is chrome only within a run of :data:`MENU_RUN_MIN_LINES` such lines,
#: since a short headline looks the same.
MENU_ENTRY_MAX_WORDS = 3
MENU_RUN_MIN_LINES = 3
#: Words in one breadcrumb step, and in a utility line or a banner.
CRUMB_MAX_WORDS = 5
UTILITY_MAX_WORDS = 14
#: Breadcrumb separators; a slash only between spaces ("đồng/lít" is a unit), and a spaced
#: hyphen is none (it joins "Tin tức - Sự kiện").
CRUMB_SEPARATOR_RE = re.compile(r"\s+[/\\]\s+|\s*[»›>|]\s*")
#: A numbered section heading ("A. Vị trí và chức năng", "II. Nhiệm vụ"), never the title.
SECTION_MARK_RE = re.compile(r"^(?:[A-ZĐ]|[IVX]{1,4}|\d{1,3})[.)]\s")
TEMPERATURE_RE = re.compile(r"\d+\s*°\s*[CF]?\b")


@cache
def _utility_re() -> re.Pattern[str]:
    """A line that starts with utility-bar vocabulary."""
    return re.compile(rf"^(?:{alternation(read_list('head_utilities.txt'))})(?!\w)", re.IGNORECASE)


@cache
def _posted_by_re() -> re.Pattern[str]:
    """An author line under the headline: "Đăng bởi Minh Thư"."""
    return re.compile(rf"^(?:{alternation(read_list('posted_by.txt'))})\s+\w", re.IGNORECASE)


def is_posted_by(text: str) -> bool:
    """A short author line such as "Đăng bởi Minh Thư" (a name follows the label)."""
    return word_count(text) <= CRUMB_MAX_WORDS + 3 and bool(_posted_by_re().match(text.strip()))


def is_breadcrumb(text: str) -> bool:
    """Two or more short steps joined by breadcrumb separators, no sentence in them."""
    steps = [s for s in CRUMB_SEPARATOR_RE.split(text.strip()) if s.strip()]
    return len(steps) >= 2 and all(
        0 < word_count(s) <= CRUMB_MAX_WORDS and not SENTENCE_END_RE.search(s) for s in steps
    )


def is_utility_line(text: str) -> bool:
    """A utility-bar line: search, login, font size, hotline, a weather widget."""
    if word_count(text) > UTILITY_MAX_WORDS:
        return False
    return bool(_utility_re().match(text.strip()) or TEMPERATURE_RE.search(text))


def is_head_chrome(text: str) -> bool:
    """A line shaped like page-head chrome: a short menu entry or section label, a
    breadcrumb, a utility line, a date stamp or widget, an all-caps banner."""
    return (
        (is_nav_like(text) and word_count(text) <= MENU_ENTRY_MAX_WORDS)
        or is_breadcrumb(text)
        or is_utility_line(text)
        or is_chrome_line(text)
        or (is_all_caps(text) and word_count(text) <= UTILITY_MAX_WORDS)
    )


def _is_prose(line: Line) -> bool:
    """A paragraph of article prose: long enough and ending a sentence."""
    return is_substantial(line.text) and ends_sentence(line.text) and not is_head_chrome(line.text)


def _is_headline(text: str) -> bool:
    """A headline-shaped line: a few words up to a long title, no closing full stop, not a
    breadcrumb or a utility line."""
    n = word_count(text)
    return (
        HEADLINE_MIN_WORDS <= n <= HEADLINE_MAX_WORDS
        and not text.rstrip().endswith((".", ":", ";"))
        and not is_breadcrumb(text)
        and not is_utility_line(text)
        and not is_chrome_line(text)
        and not (is_byline(text) and not _is_caps_headline(text))
        and not is_posted_by(text)
        and not SECTION_MARK_RE.match(text)
    )


def _is_caps_headline(text: str) -> bool:
    """An upper-case line longer than a name: a headline, though bylines are often in caps."""
    return is_all_caps(text) and word_count(text) > CRUMB_MAX_WORDS


def find_title(lines: list[Line]) -> int | None:
    """Index of the headline right before the first prose paragraph, or None."""
    first = next((i for i, ln in enumerate(lines) if _is_prose(ln)), None)
    if first is None:
        return None
    for i in range(first - 1, max(-1, first - 1 - TITLE_GAP_MAX_LINES), -1):
        if _is_headline(lines[i].text):
            return i
    return None


def cut_page_head(lines: list[Line]) -> list[Line]:
    """Drop the chrome-shaped lines above the title of a pasted page; keep everything else."""
    return read_page_head(lines)[1]


def read_page_head(lines: list[Line]) -> tuple[str | None, list[Line]]:
    """The headline of a pasted page whose head is all chrome (None otherwise, or when no
    chrome stood above it), and the lines with the head chrome dropped (the title still
    first among them)."""
    at = find_title(lines)
    if not at:
        return None, list(lines)
    while at > 0 and is_all_caps(lines[at - 1].text) and not is_footer_line(lines[at - 1].text):
        at -= 1  # an upper-case headline set over several lines, not the portal's name
    menu = _menu_runs(lines[:at])
    kept = [ln for i, ln in enumerate(lines[:at]) if i not in menu and not is_head_chrome(ln.text)]
    title = None if kept else lines[at].text
    return title, kept + [lines[at]] + _mark_posted_by(lines[at + 1 :])


def _menu_runs(lines: list[Line]) -> set[int]:
    """Indexes of the lines in runs of at least :data:`MENU_RUN_MIN_LINES` menu-entry-shaped
    lines (other head chrome between them does not break a run)."""
    out: set[int] = set()
    run: list[int] = []
    for i, ln in enumerate([*lines, Line("", "boundary")]):
        if ln.hint != "boundary" and is_nav_like(ln.text):
            run.append(i)
        elif ln.hint == "boundary" or not is_head_chrome(ln.text):
            if len(run) >= MENU_RUN_MIN_LINES:
                out.update(run)
            run = []
    return out


def _mark_posted_by(lines: list[Line]) -> list[Line]:
    """Between the title and the first prose paragraph, author lines become bylines."""
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if _is_prose(ln):
            return out + lines[i:]
        out.append(Line(ln.text, "byline") if is_posted_by(ln.text) else ln)
    return out
