"""Vietnamese page-chrome clean-up shared by the HTML and the plain-text extractors.

Both extractors reduce their input to a list of :class:`Line` (one paragraph-level unit each,
with a ``hint`` saying what the source thinks it is) and hand it to :func:`clean_lines`, which

0. cuts the page's tail after the article (rating, comments, related lists, cookie banner...;
   see :mod:`loa.text.tails`);
1. drops chrome lines anywhere (reader widgets, share/print bars, "Tin liên quan", date lines,
   image file names...), leaving a *boundary* where they stood, since chrome separates page
   regions;
2. turns photo credits and the short line after an image marker into captions;
3. cuts the menu/banner region in front of the headline and the menu/footer region after the
   last real paragraph, keeping the author line(s) there as bylines;
4. removes repetitions of the title and truncated teasers repeated in full later.

The vocabulary is data (``loa/text/data/``, read by :mod:`loa.text.phrases`); the line
predicates live in :mod:`loa.text.chrome` and :mod:`loa.text.bylines`; this module only
runs the passes. Names other modules import from here are re-exported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from loa.text.bylines import (
    BYLINE_PREFIX_RE,
    BYLINE_SUFFIX_RE,
    classify_caption,
    is_byline,
)
from loa.text.chrome import (
    is_chrome_line,
    is_date_line,
    is_footer_line,
    is_image_marker,
    is_widget_line,
)
from loa.text.glued import (
    IMAGE_CAPTION_MAX_WORDS,
    join_wrapped_lines,
    split_glued_captions,
    split_trailing_byline,
)
from loa.text.lines import Line, LineHint, to_blocks
from loa.text.phrases import (
    is_list_item,
    is_nav_like,
    is_nav_term,
    is_widget_label,
    nav_terms,
)
from loa.text.tails import cut_tail
from loa.text.words import (
    SUBSTANTIAL_MIN_WORDS,
    ends_sentence,
    fold,
    is_all_caps,
    is_substantial,
    normalize_text,
    word_count,
)

HEAD_MAX_LINES = 4  # lines above the first paragraph that can belong to the article head
LINK_TITLE_MAX_WORDS = 25  # a related-article title listed under "Tin liên quan"


def mark_chrome(lines: Iterable[Line]) -> list[Line]:
    """Normalise every line; replace chrome with a boundary; classify credits as captions and
    the short line after an image marker as a caption; drop the image markers themselves, and
    the link titles listed under a box label such as "Tin liên quan"."""
    out: list[Line] = []
    after_image = after_label = False
    for line in lines:
        text = normalize_text(line.text)
        if not text:
            continue
        if line.hint in ("caption", "byline"):
            out.append(Line(text, line.hint))
            after_image = after_label = False
            continue
        if is_image_marker(text):
            out.append(Line("", "boundary"))
            after_image = True
            continue
        if is_widget_label(text) or is_chrome_line(text):
            out.append(Line("", "boundary"))
            after_image = False
            after_label = after_label or is_widget_label(text)
            continue
        if after_label and word_count(text) <= LINK_TITLE_MAX_WORDS and not is_substantial(text):
            out.append(Line("", "boundary"))
            continue
        after_label = False
        if classify_caption(text) is not None:
            out.append(Line(text, "caption"))
        elif (
            after_image
            and word_count(text) <= IMAGE_CAPTION_MAX_WORDS
            and not (is_substantial(text) and word_count(text) > 25)
        ):
            out.append(Line(text, "caption"))
        else:
            out.append(Line(text, line.hint))
        after_image = False
    return out


def _first_substantial(lines: Sequence[Line]) -> int | None:
    """Index of the first real paragraph (not a caption/byline/boundary)."""
    for i, line in enumerate(lines):
        if _is_paragraph(line):
            return i
    return None


def _last_substantial(lines: Sequence[Line]) -> int | None:
    """Index of the last real paragraph (not a caption/byline/boundary)."""
    for i in range(len(lines) - 1, -1, -1):
        if _is_paragraph(lines[i]):
            return i
    return None


def _is_paragraph(line: Line) -> bool:
    """A real paragraph: substantial, not a caption/byline, not an all-caps banner or a
    footer line."""
    return (
        line.hint not in ("caption", "byline", "boundary")
        and is_substantial(line.text)
        and not is_all_caps(line.text)
        and not is_footer_line(line.text, strong_only=True)
    )


def _is_menu_region(lines: Sequence[Line], seen_twice: set[str]) -> bool:
    """True when a run of lines reads like a menu: several short entries, some of them known
    section names or repeated elsewhere on the page."""
    texts = [ln.text for ln in lines if ln.hint != "boundary"]
    nav = [t for t in texts if is_nav_like(t)]
    known = sum(1 for t in nav if is_nav_term(t) or t in seen_twice)
    return len(nav) >= 3 and known >= 2 and len(nav) >= 0.6 * len(texts)


def trim_head(lines: Sequence[Line]) -> list[Line]:
    """Drop the menus and banners in front of the article head.

    The head is the run of up to :data:`HEAD_MAX_LINES` lines right above the first real
    paragraph, ending upwards at chrome, at a line repeated from a menu, or at a section
    label. What lies above the head is dropped when it is chrome-like (menus, all-caps banners,
    repeated labels) and kept otherwise, so a text without chrome comes back whole.
    """
    first = _first_substantial(lines)
    if first is None:
        return list(lines)
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.hint != "boundary":
            counts[ln.text] = counts.get(ln.text, 0) + 1
    seen_twice = {k for k, v in counts.items() if v > 1}

    start = first
    while start > 0 and first - start < HEAD_MAX_LINES:
        prev = lines[start - 1]
        if prev.hint == "boundary" or prev.text in seen_twice:
            break
        if is_nav_term(prev.text) and not is_all_caps(prev.text):
            break
        start -= 1

    above = lines[:start]
    menu = _is_menu_region(above, seen_twice)
    kept: list[Line] = []
    for i, ln in enumerate(above):
        if ln.hint == "boundary" or ln.text in seen_twice:
            continue
        if is_all_caps(ln.text) and (
            ln.text.rstrip().endswith("!") or any(b.hint == "boundary" for b in above[i + 1 :])
        ):
            continue  # a banner slogan, or a caps line cut off from the head by chrome
        if is_nav_term(ln.text) or (menu and is_nav_like(ln.text)):
            continue
        kept.append(ln)
    return kept + list(lines[start:])


def cut_footer(lines: Sequence[Line]) -> list[Line]:
    """Cut the page footer: the run of footer lines (portal name, contacts, copyright) that
    ends the text, when it holds at least one copyright/licence/portal-name line."""
    strong = [
        i
        for i, ln in enumerate(lines)
        if ln.hint != "boundary" and is_footer_line(ln.text, strong_only=True)
    ]
    if not strong:
        return list(lines)
    last = strong[-1]
    for ln in lines[last + 1 :]:
        if ln.hint != "boundary" and not is_footer_line(ln.text) and word_count(ln.text) > 12:
            return list(lines)
    start = last
    for i in range(last - 1, -1, -1):
        if lines[i].hint == "boundary":
            continue
        if not is_footer_line(lines[i].text):
            break
        start = i
    return list(lines[:start])


def trim_tail(lines: Sequence[Line]) -> list[Line]:
    """Drop menus, widgets and the footer after the last real paragraph; keep captions and
    turn author/source lines there into bylines."""
    last = _last_substantial(lines)
    if last is None:
        return list(lines)
    head = list(lines[: last + 1])
    tail = lines[last + 1 :]
    earlier = {ln.text for ln in head if ln.hint != "boundary"}
    out: list[Line] = []
    chrome_seen = False
    for i, ln in enumerate(tail):
        if ln.hint == "boundary":
            chrome_seen = True
            continue
        text = ln.text
        if ln.hint in ("caption", "byline"):
            out.append(ln)
            continue
        if not chrome_seen and is_byline(text):
            out.append(Line(text, "byline"))
            continue
        widget_row = ln.hint == "cell" and (chrome_seen or word_count(text) <= 3)
        if text in earlier or is_nav_term(text) or ln.hint == "heading" or widget_row:
            chrome_seen = True
            continue
        if is_nav_like(text):
            run = [t for t in tail[i : i + 3] if t.hint != "boundary" and is_nav_like(t.text)]
            if chrome_seen or len(run) >= 3:
                chrome_seen = True
                continue
        out.append(ln)
    return head + out


def _same(a: str, b: str) -> bool:
    """True when two lines are the same words (case and punctuation ignored)."""
    return bool(a) and fold(a) == fold(b)


def drop_repeats(lines: Sequence[Line], title: str | None) -> list[Line]:
    """Remove repetitions of the title, truncated teasers ("... các bộ...") that are repeated in
    full further down (the text glued in front of the full version becomes a caption), and
    exact repeats of long paragraphs."""
    out: list[Line] = []
    seen: set[str] = set()
    items = list(lines)
    for i, ln in enumerate(items):
        if ln.hint == "boundary":
            continue
        key = fold(ln.text)
        if title and _same(ln.text, title):
            continue
        if key in seen and word_count(ln.text) >= SUBSTANTIAL_MIN_WORDS:
            continue
        teaser = _teaser_prefix(ln.text)
        if teaser and ln.hint != "caption":
            hit = _find_expansion(items, i + 1, teaser)
            if hit is not None:
                j, prefix = hit
                if prefix:
                    items[j] = replace(items[j], text=items[j].text[len(prefix) :].lstrip())
                    items.insert(j, Line(prefix.strip(), "caption"))
                continue
        seen.add(key)
        out.append(ln)
    return out


def _teaser_prefix(text: str) -> str | None:
    """The folded text of a teaser that ends in an ellipsis, or None."""
    stripped = text.rstrip()
    if not (stripped.endswith("...") or stripped.endswith("…")):
        return None
    body = fold(stripped.rstrip(".…"))
    return body if word_count(body) >= 6 else None


def _find_expansion(items: Sequence[Line], start: int, teaser: str) -> tuple[int, str] | None:
    """Find a later line that contains the teaser in full; return its index and the raw text
    in front of the teaser there (a caption glued to the paragraph) when that is short."""
    first_words = teaser.split()[:4]
    for j in range(start, len(items)):
        ln = items[j]
        if ln.hint == "boundary" or teaser not in fold(ln.text):
            continue
        at = fold(ln.text).find(teaser)
        if at == 0:
            return j, ""
        # locate the raw offset of the teaser's first words
        pattern = r"\W+".join(map(re.escape, first_words))
        m = re.search(pattern, ln.text, re.IGNORECASE)
        prefix = ln.text[: m.start()] if m else ""
        if prefix and word_count(prefix) <= IMAGE_CAPTION_MAX_WORDS and not ends_sentence(prefix):
            return j, prefix
        return j, ""
    return None


def clean_lines(lines: Iterable[Line], *, title: str | None = None) -> list[Line]:
    """Run every clean-up pass: chrome, captions, head and tail trimming, repeats.

    Returns the surviving lines in reading order (no boundaries); ``title``, when known, is
    removed wherever it is repeated.
    """
    marked = mark_chrome(cut_tail(list(lines)))
    trimmed = trim_tail(trim_head(cut_footer(marked)))
    return [ln for ln in drop_repeats(trimmed, title) if ln.hint != "boundary"]


def clean_fragment(lines: Iterable[Line], *, title: str | None = None) -> list[Line]:
    """The passes for a CMS fragment, which is all article: chrome lines, captions, a page
    tail the CMS carried along and repeats go; headings and short list items stay."""
    kept = cut_footer(mark_chrome(cut_tail(list(lines))))
    return mark_final_bylines([ln for ln in drop_repeats(kept, title) if ln.hint != "boundary"])


def mark_final_bylines(lines: Sequence[Line]) -> list[Line]:
    """Turn the author/source lines that end the text (after its last paragraph) into
    bylines."""
    out = list(lines)
    for i in range(len(out) - 1, -1, -1):
        ln = out[i]
        if ln.hint in ("caption", "byline"):
            continue
        if is_substantial(ln.text) or not is_byline(ln.text):
            break
        out[i] = Line(ln.text, "byline")
    return out


__all__ = [
    "BYLINE_PREFIX_RE",
    "BYLINE_SUFFIX_RE",
    "Line",
    "LineHint",
    "classify_caption",
    "clean_fragment",
    "clean_lines",
    "cut_footer",
    "drop_repeats",
    "ends_sentence",
    "fold",
    "is_all_caps",
    "is_byline",
    "is_chrome_line",
    "is_date_line",
    "is_footer_line",
    "is_image_marker",
    "is_list_item",
    "is_nav_like",
    "is_nav_term",
    "is_substantial",
    "is_widget_label",
    "is_widget_line",
    "join_wrapped_lines",
    "mark_chrome",
    "nav_terms",
    "normalize_text",
    "split_glued_captions",
    "split_trailing_byline",
    "to_blocks",
    "trim_head",
    "trim_tail",
    "word_count",
]
