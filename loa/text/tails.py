"""Cutting what a page carries after the article: its tail.

A CMS copy or a reader's paste often goes on after the last paragraph with a rating widget,
previous/next links, an author box, a comment form and comments, related and latest lists,
share prompts, the site footer and a cookie banner. These are recognised as kinds of block,
not as phrases of particular pages:

- a *cue line*: a short line that opens a block of a known kind (``data/tail_cues.tsv``:
  "Bạn đánh giá...", "Bài trước", "Về tác giả", "Gửi bình luận", "Chia sẻ lên", "Tin liên
  quan", "© ..."). Strong kinds end the article wherever they stand after its prose; the
  "related" kind ends it only where no prose paragraph follows (a "Xem thêm:" link inside the
  article does not);
- a *cookie banner*: a line about cookies, dropped wherever it stands;
- a *link list*: a run of headline-shaped lines (a few words, no sentence end) after the last
  prose paragraph.

Bylines and captions right after the last paragraph stay; :mod:`loa.text.clean` handles the
chrome lines and the footer run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from loa.text.bylines import is_byline
from loa.text.chrome import is_date_line, is_footer_line
from loa.text.datafiles import read_table
from loa.text.lines import Line
from loa.text.phrases import is_list_item, is_widget_label
from loa.text.words import ends_sentence, fold, is_substantial, normalize_text, word_count

#: A cue line is at most this long.
CUE_MAX_WORDS = 12
#: A cookie banner is at most this long.
COOKIE_MAX_WORDS = 80
#: Headline-shaped lines (related-article titles) have this many words.
LINK_MIN_WORDS, LINK_MAX_WORDS = 4, 30
#: How many headline-shaped lines after the last paragraph make a link list.
LINK_LIST_MIN_LINES = 2
#: Lines this short (dates, counters, labels) may stand between link titles.
SHORT_WORDS = 6
#: A commenter's name line is at most this long; a comment at least this long.
COMMENTER_MAX_WORDS, COMMENT_MIN_WORDS = 6, 5
#: A credit line before the tail is at most this long.
CREDIT_MAX_WORDS = 8
#: Prose the article must have before a cue can end it.
MIN_PROSE_WORDS = 30
_LEAD_RE = re.compile(r"^[\s«»<>‹›←→◄►▶◀|•*#\[\](){}:.\-–—]+")
_STRONG_KINDS = frozenset({"rating", "prevnext", "author", "comments", "share", "footer"})
#: The kinds whose phrases open a block (the other lists in the file qualify lines).
_CUE_KINDS = _STRONG_KINDS | {"related"}


@cache
def _cues() -> dict[str, tuple[str, ...]]:
    """Cue phrases by kind, folded (symbols such as © kept as written)."""
    out: dict[str, tuple[str, ...]] = {}
    for kind, phrases in read_table("tail_cues.tsv").items():
        out[kind] = tuple(fold(p) or p for p in phrases)
    return out


def cue_kind(text: str) -> str | None:
    """The kind of tail block a short line opens ("comments", "related"...), or None."""
    text = normalize_text(text)
    n = word_count(text)
    if 0 < n <= COOKIE_MAX_WORDS and is_cookie_banner(text):
        return "cookie"
    if n > CUE_MAX_WORDS or (ends_sentence(text) and text.rstrip().endswith(".") and "," in text):
        return None
    if "©" in text:
        return "footer"
    head = _LEAD_RE.sub("", text)
    key = fold(head)
    if _is_follow_prompt(key):
        return "share"
    if is_byline(text):
        return None
    for kind, phrases in _cues().items():
        if kind not in _CUE_KINDS:
            continue
        for phrase in phrases:
            if key == phrase or key.startswith(phrase + " "):
                return kind
    if is_widget_label(head):
        return "related"
    if is_footer_line(text, strong_only=True):
        return "footer"
    return None


def _is_follow_prompt(key: str) -> bool:
    """A folded line that starts with a follow verb and names a platform."""
    cues = _cues()
    if not any(key == v or key.startswith(v + " ") for v in cues.get("follow_verb", ())):
        return False
    padded = f" {key} "
    return any(f" {p} " in padded for p in cues.get("platform", ()))


def is_cookie_banner(text: str) -> bool:
    """A line about the site's cookies ("Chúng tôi sử dụng cookie để ...")."""
    words = set(fold(text).split())
    return any(p in words for p in _cues().get("cookie", ()))


def _is_prose(line: Line) -> bool:
    return line.hint not in ("caption", "byline", "boundary") and is_substantial(line.text)


def _is_link_title(line: Line) -> bool:
    """A headline-shaped line: a related-article title, not a sentence or a byline."""
    text = line.text.strip()
    if line.hint in ("caption", "byline", "heading") or is_list_item(text):
        return False
    n = word_count(text)
    if not LINK_MIN_WORDS <= n <= LINK_MAX_WORDS or ends_sentence(text) or text.endswith(":"):
        return False
    return not is_byline(text) and not is_date_line(text)


def _starts_comment(lines: Sequence[Line], i: int) -> bool:
    """The shape of a reader's comment: a short name line, a time stamp line ("2 giờ
    trước", "12/03/2024 10:15"), then the comment's text."""
    if i + 2 >= len(lines):
        return False
    name, stamp, said = lines[i], lines[i + 1], lines[i + 2]
    return (
        0 < word_count(name.text) <= COMMENTER_MAX_WORDS
        and not ends_sentence(name.text)
        and is_date_line(stamp.text)
        and word_count(said.text) >= COMMENT_MIN_WORDS
        and not is_date_line(said.text)
    )


def tail_start(lines: Sequence[Line]) -> int | None:
    """Where the page's tail begins (an index into ``lines``), or None when there is none."""
    prose_words = 0
    seen_prose = False
    kinds: list[str | None] = []
    for ln in lines:
        kinds.append(None if ln.hint in ("caption", "byline") else cue_kind(ln.text))
    for i in range(len(lines)):
        if kinds[i] is None and _starts_comment(lines, i):
            kinds[i] = "comments"
    strong = None
    for i, ln in enumerate(lines):
        kind = kinds[i]
        if seen_prose and prose_words >= MIN_PROSE_WORDS and kind in _STRONG_KINDS | {"cookie"}:
            strong = i
            break
        if kind is None and _is_prose(ln):
            seen_prose = True
            prose_words += word_count(ln.text)
    end = strong if strong is not None else len(lines)
    cut = strong
    prose_words, seen_prose = 0, False
    for i in range(end):
        ln = lines[i]
        if kinds[i] == "related" and seen_prose and prose_words >= MIN_PROSE_WORDS:
            rest = lines[i + 1 : end]
            if not any(_is_prose(r) and kinds[i + 1 + k] is None for k, r in enumerate(rest)):
                cut = i
                break
        if kinds[i] is None and _is_prose(ln):
            seen_prose = True
            prose_words += word_count(ln.text)
    return _link_list_start(lines, cut if cut is not None else len(lines))


def _link_list_start(lines: Sequence[Line], end: int) -> int | None:
    """The start of a run of headline-shaped lines after the last prose paragraph before
    ``end`` (or ``end`` itself when there is none and ``end`` cuts something)."""
    last = None
    for i in range(end - 1, -1, -1):
        if _is_prose(lines[i]) and cue_kind(lines[i].text) is None:
            last = i
            break
    if last is None:
        return end if end < len(lines) else None
    links = [i for i in range(last + 1, end) if _is_link_title(lines[i])]
    introduced = lines[links[0] - 1].text.rstrip().endswith(":") if links else False
    if (
        len(links) >= LINK_LIST_MIN_LINES
        and not introduced
        and all(
            _is_link_title(ln) or (ln.hint != "caption" and word_count(ln.text) <= SHORT_WORDS)
            for ln in lines[links[0] : end]
        )
    ):
        return links[0]
    return end if end < len(lines) else None


def cut_tail(lines: Sequence[Line]) -> list[Line]:
    """Drop the page's tail and any cookie banner; everything else comes back unchanged."""
    start = tail_start(lines)
    kept = list(lines[:start]) if start is not None else list(lines)
    if start is not None and kept and _is_credit(kept[-1]) and len(kept) > 1:
        kept[-1] = Line(kept[-1].text, "byline")
    out: list[Line] = []
    after_banner = False
    for ln in kept:
        if ln.hint not in ("caption", "byline"):
            if _cookie(ln.text):
                after_banner = True
                continue
            if after_banner and fold(ln.text) in _cues().get("cookie_button", ()):
                continue
        after_banner = False
        out.append(ln)
    return out


def _is_credit(line: Line) -> bool:
    """A short line that ends the article right before its tail, not a sentence or a list
    item: the author's or the office's credit ("Văn phòng UBND huyện")."""
    text = line.text.strip()
    return (
        line.hint == "text"
        and 0 < word_count(text) <= CREDIT_MAX_WORDS
        and text[:1].isupper()
        and not ends_sentence(text)
        and not text.endswith(":")
        and not is_list_item(text)
        and cue_kind(text) is None
    )


def _cookie(text: str) -> bool:
    return word_count(text) <= COOKIE_MAX_WORDS and is_cookie_banner(text)
