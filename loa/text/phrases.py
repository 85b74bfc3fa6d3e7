"""The chrome vocabulary (data files under ``loa/text/data/``) and the predicates that look
words up in it: menu/section labels, widget labels, chrome phrases, menu-entry shape.

Home-link texts (``home_links.txt``) are one list used three ways: as chrome phrases, as menu
labels and as the start of a breadcrumb (see :mod:`loa.text.chrome` and
:mod:`loa.text.prepare`).
"""

from __future__ import annotations

import re
from functools import cache

from loa.text.datafiles import read_list
from loa.text.words import SENTENCE_END_RE, fold, word_count

#: Texts of a link to the home page ("Trang chủ", "Home").
HOME_LINKS: tuple[str, ...] = read_list("home_links.txt")
#: Headings that label a box of page chrome ("Tin liên quan", "Bình chọn", "File đính kèm").
WIDGET_LABELS: tuple[str, ...] = read_list("widget_labels.txt")
#: Phrases of reader widgets, share bars, menus; a line made only of these is chrome.
CHROME_PHRASES: tuple[str, ...] = read_list("chrome_phrases.txt") + HOME_LINKS + WIDGET_LABELS
#: Menu, section and portlet labels; never a title, chrome outside the body.
NAV_TERMS: tuple[str, ...] = HOME_LINKS + read_list("nav_terms.txt")

NAV_MAX_WORDS = 6  # a menu entry is at most this long
#: List markers that make a short line a list item rather than a menu entry.
LIST_MARKER_RE = re.compile(r"^(?:[-–—•*+·]|\d{1,3}[.)]|[a-zđ][.)]|[ivxIVX]{1,4}[.)])\s")


def is_list_item(text: str) -> bool:
    """True for a line that starts with a list marker (dash, bullet, "1.", "a)")."""
    return bool(LIST_MARKER_RE.match(text))


def is_nav_like(text: str) -> bool:
    """A menu-entry-like line: a few words, no sentence punctuation, no list marker."""
    return (
        0 < word_count(text) <= NAV_MAX_WORDS
        and not SENTENCE_END_RE.search(text)
        and not is_list_item(text)
    )


@cache
def nav_terms() -> frozenset[str]:
    """Section and menu labels of Vietnamese sites (:data:`NAV_TERMS`), folded."""
    return frozenset(fold(term) for term in NAV_TERMS)


def is_nav_term(text: str) -> bool:
    """True when the whole line is a known menu/section label."""
    return fold(text) in nav_terms()


def is_home_link(text: str) -> bool:
    """True when the text is a link to the home page ("Trang chủ")."""
    return fold(text) in {fold(t) for t in HOME_LINKS}


@cache
def chrome_phrase_re() -> re.Pattern[str]:
    """One alternation of all chrome phrases, longest first, on word boundaries."""
    phrases = sorted({p.casefold() for p in CHROME_PHRASES}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")


@cache
def _widget_labels() -> frozenset[str]:
    """The widget labels, folded."""
    return frozenset(fold(w) for w in WIDGET_LABELS)


def is_widget_label(text: str) -> bool:
    """A heading that labels a chrome box: "Tin liên quan", "Bình luận (2)", "Thăm dò ý kiến"."""
    if len(text) > 60:
        return False
    return fold(re.sub(r"\(\s*\d+\s*\)|\d+", " ", text)) in _widget_labels()


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of literal ``words`` (longest first; spaces match any space)."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
