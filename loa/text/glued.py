"""Splitting helpers for flattened text: captions glued into paragraphs, a byline glued to
the last paragraph, hard-wrapped lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

from loa.text.bylines import is_byline
from loa.text.datafiles import read_list
from loa.text.lines import Line
from loa.text.words import SENTENCE_END_RE, SUBSTANTIAL_MIN_WORDS, word_count

IMAGE_CAPTION_MAX_WORDS = 35  # the line after an image marker is a caption up to this long
#: Capitalised function words that only start a sentence; after a lower-case word they show
#: where a caption glued into flattened text ends ("... tiền nhiệm Về nội thất, xe ...").
SENTENCE_OPENERS = frozenset(read_list("sentence_openers.txt"))
#: Words a caption does not end with (a sentence cut there goes on).
FUNCTION_WORDS = frozenset(read_list("function_words.txt"))
GLUED_MIN_LINE_WORDS = 40  # openers are only trusted inside flattened, paragraph-long lines

_SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"”’')\]]*\s+")


def _caption_shaped(left: str, right: str) -> bool:
    """True when ``left`` can be a caption glued in front of the sentence ``right``."""
    left, right = left.strip(), right.strip()
    if not left or not right or not (left[0].isupper() or left[0].isdigit()):
        return False
    if not 5 <= word_count(left) <= IMAGE_CAPTION_MAX_WORDS or word_count(right) < 5:
        return False
    if re.search(r"[.!?…;:]|,(?!\d)", left):
        return False
    last = left.split()[-1].casefold()
    return last not in FUNCTION_WORDS and (right[0].isupper() or right[0].isdigit())


def _glue_point(sentence: str, *, openers: bool) -> int | None:
    """Where a caption glued in front of this sentence ends: at a double space, or (in
    flattened text) before a capitalised sentence opener that follows a lower-case word."""
    gap = re.search(r"\S(\s{2,})(?=\S)", sentence)
    if gap and _caption_shaped(sentence[: gap.start(1)], sentence[gap.end(1) :]):
        return gap.end(1)
    if not openers:
        return None
    words = list(re.finditer(r"\S+", sentence))
    for k in range(5, min(len(words) - 1, IMAGE_CAPTION_MAX_WORDS + 1)):
        prev, word, nxt = words[k - 1].group(), words[k].group(), words[k + 1].group()
        if not (prev[0].isalpha() and prev[0].islower() and word[0].isupper()):
            continue
        if word.casefold().strip(",") not in SENTENCE_OPENERS or nxt[0].isupper():
            continue
        if _caption_shaped(sentence[: words[k].start()], sentence[words[k].start() :]):
            return words[k].start()
    return None


def split_glued_captions(text: str) -> list[Line]:
    """Split captions a scraper glued into a paragraph without punctuation.

    A caption starts a sentence, has 5 to 35 words and no sentence punctuation, and ends at a
    double space or (in a paragraph-long line) right before a capitalised sentence opener
    such as "Về", "Theo", "Trong". Text that does not fit is kept whole.
    """
    openers = word_count(text) >= GLUED_MIN_LINE_WORDS
    breaks = [m.end() for m in _SENTENCE_BREAK_RE.finditer(text)]
    out: list[Line] = []
    pos = 0
    for i, start in enumerate([0, *breaks]):
        if start < pos:
            continue
        end = breaks[i] if i < len(breaks) else len(text)
        cut = _glue_point(text[start:end], openers=openers)
        if cut is None:
            continue
        before = text[pos:start].strip()
        if before:
            out.append(Line(before))
        out.append(Line(text[start : start + cut].strip(), "caption"))
        pos = start + cut
    rest = text[pos:].strip()
    if rest:
        out.append(Line(rest))
    return out


def split_trailing_byline(text: str) -> tuple[str, str | None]:
    """Split an author credit glued to the end of the last paragraph ("... nói. L.C")."""
    for m in reversed(list(_SENTENCE_BREAK_RE.finditer(text))):
        tail = text[m.end() :].strip()
        if not tail:
            continue
        if is_byline(tail) and word_count(text[: m.end()]) >= SUBSTANTIAL_MIN_WORDS:
            return text[: m.end()].strip(), tail
        break
    return text, None


def join_wrapped_lines(lines: Sequence[str]) -> list[str]:
    """Join hard-wrapped lines of one paragraph: a long line without a sentence end followed
    by a line that starts in lower case continues on that line."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (
            out
            and out[-1]
            and stripped
            and len(out[-1]) >= 40
            and not SENTENCE_END_RE.search(out[-1])
            and stripped[0].islower()
        ):
            out[-1] = out[-1] + " " + stripped
        else:
            out.append(stripped)
    return out
