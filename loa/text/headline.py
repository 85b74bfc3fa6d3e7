"""Choosing the headline: plausible titles, the one the text shows, a displayed heading
that restates it, the first line of a pasted text."""

from __future__ import annotations

from loa.text.chrome import is_chrome_line
from loa.text.lines import Line
from loa.text.page import TITLE_MAX_WORDS, TITLE_MIN_WORDS, PageInfo
from loa.text.phrases import is_nav_term
from loa.text.words import fold, is_all_caps, is_substantial, word_count

#: A short all-lower-case heading is a portlet/box heading, not a headline.
PORTLET_HEADING_MAX_WORDS = 6


def is_plausible_title(text: str | None) -> bool:
    """A headline, not a portlet heading (short and all lower-case, "giới thiệu"), a section
    label, chrome or a paragraph."""
    if not text:
        return False
    n = word_count(text)
    if not TITLE_MIN_WORDS <= n <= TITLE_MAX_WORDS or is_nav_term(text) or is_chrome_line(text):
        return False
    return not (n <= PORTLET_HEADING_MAX_WORDS and not any(c.isupper() for c in text))


def choose_title(info: PageInfo, extracted: str | None, lines: list[Line]) -> str:
    """Pick the headline.

    A candidate (h1, og:title, a title-class element, <title> minus the site name,
    trafilatura's) that the article text itself shows near its start wins; else the first
    headline from the page body or its metadata; else a heading-like first line of the text
    (a <title> that the page never shows is often just the site's name); else the <title>.
    """
    strong = [t for t in info.titles if is_plausible_title(t)]
    weak = [t for t in (info.document_title, extracted) if t is not None and is_plausible_title(t)]
    early = [ln for ln in lines[:8] if ln.hint not in ("caption", "byline")]
    for cand in strong + weak:
        for ln in early:
            if fold(ln.text) == fold(cand):
                return ln.text
    for cand in strong + weak:  # a shown line that the <title> starts with
        for ln in early:
            if word_count(ln.text) >= 4 and fold(cand).startswith(fold(ln.text)):
                if is_plausible_title(ln.text):
                    return ln.text
    if strong:
        return strong[0]
    for ln in early:
        if is_substantial(ln.text):
            break
        if word_count(ln.text) >= 4 and is_plausible_title(ln.text):
            return ln.text
    return weak[0] if weak else ""


def prefer_displayed_headline(title: str, lines: list[Line]) -> tuple[str, list[Line]]:
    """When the text opens with a heading that restates the title (an upper-case e-magazine
    headline, "CHỨC NĂNG, NHIỆM VỤ CỦA PHÒNG THANH TRA" under "Phòng Thanh tra"), that heading
    is the headline the reader sees: use it and drop it from the body."""
    body = [i for i, ln in enumerate(lines) if ln.hint not in ("caption", "byline")]
    if not body:
        return title, lines
    first = lines[body[0]]
    if is_substantial(first.text) or word_count(first.text) > TITLE_MAX_WORDS:
        return title, lines
    if not title:
        return first.text, lines[: body[0]] + lines[body[0] + 1 :]
    t_words, f_words = set(fold(title).split()), set(fold(first.text).split())
    if not t_words or not f_words:
        return title, lines
    jaccard = len(t_words & f_words) / len(t_words | f_words)
    contains = t_words <= f_words and (first.hint == "heading" or is_all_caps(first.text))
    if jaccard >= 0.6 or contains:
        return first.text, lines[: body[0]] + lines[body[0] + 1 :]
    return title, lines


def take_title(lines: list[Line]) -> tuple[str, list[Line]]:
    """The first line that is not a caption or byline becomes the title (if it is not a
    whole paragraph of more than :data:`TITLE_MAX_WORDS` words)."""
    for i, ln in enumerate(lines):
        if ln.hint in ("caption", "byline"):
            continue
        if word_count(ln.text) > TITLE_MAX_WORDS:
            return "", lines
        return ln.text, lines[:i] + lines[i + 1 :]
    return "", lines
