"""Cut an article into pieces an engine can speak: sentences, then clauses that fit ``max_chars``.

Three steps, each a plain function:

* ``split_sentences`` finds sentence spans in one paragraph of *original* text, knowing the
  Vietnamese habits that put dots where no sentence ends (``TP.HCM``, ``PGS.TS.``, ``Q. 1``,
  ``1.500``, ``16.5.2022``, ``www.langson.gov.vn``, ``Nguyễn V. A.``).
* ``split_clauses`` / ``clause_spans`` cut one *normalized* sentence that is too long for the
  engine at its most natural boundary: ``;`` then ``:`` then ``,`` then dashes and parentheses,
  then before a conjunction, then before a preposition or auxiliary, then any space. Only a
  single word longer than the limit is cut inside (a hard cut).
* ``segment_article`` runs both over an ``ExtractedArticle`` with a normalizer in between, and
  maps every spoken piece back to the span of the original text it reads (``map_offsets``), so
  a player can highlight what is being said.

The word lists are data (``loa/text/data/segment_words.tsv``), the patterns are compiled once.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import math
import re
import unicodedata
from collections.abc import Callable

from loa.text.datafiles import read_table
from loa.text.model import ExtractedArticle, Segment

# --- data (loa/text/data/segment_words.tsv) -----------------------------------------------------

_WORDS = read_table("segment_words.tsv")
#: Abbreviations written with a final dot that never end a sentence (see the data file).
ABBREVIATIONS: frozenset[str] = frozenset(_WORDS["abbreviation"])
#: One-letter abbreviations of administrative units, compared case-sensitively.
LETTER_ABBREVIATIONS: frozenset[str] = frozenset(_WORDS["letter_abbreviation"])
#: Words before which a long sentence may be cut (conjunctions and clause openers).
CONJUNCTIONS: frozenset[str] = frozenset(_WORDS["conjunction"])
#: Words that open a phrase: cutting before one of them rarely splits a compound word.
PHRASE_OPENERS: frozenset[str] = frozenset(_WORDS["phrase_opener"])

#: Sentences longer than this many characters (run-on text, lists without full stops) are first
#: cut into clauses of at most this length, each normalized and aligned on its own: this bounds
#: the cost of the word alignment, quadratic in the worst case.
LONG_SENTENCE_CHARS = 1000

_TERMINATORS = ".!?…"
_CLOSERS = "\"'”’»)]}"
_OPENERS = "\"'“‘«([{"

# --- precompiled patterns -------------------------------------------------------------------

_LINE_RE = re.compile(r"[^\n]+")
_WORD_RE = re.compile(r"\S+")
# a run of sentence punctuation, closing quotes/brackets glued to it, then space or the end
_BOUNDARY_RE = re.compile(r"([.!?…]+)([\"'”’»)\]}]*)(?=\s|$)")
_LIST_MARKER_RE = re.compile(r"[(\[]?(?:\d{1,3}|[IVXLCDM]{1,6}|[A-Za-z])[)\]]?")
_ALNUM_RE = re.compile(r"[^\W_]")  # a letter or digit: str.isalnum()
_NOT_ALNUM_RE = re.compile(r"[\W_]+")
_DASH_TOKEN_RE = re.compile(r"[-‐‑‒–—―]+")
_HARD_CUT_AFTER = "/.-_?&=#:@,;"


# --- sentences ------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences of one paragraph, stripped of whitespace.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (closing quotes and brackets glued to it stay
    with it) followed by whitespace and then an uppercase letter (or a word like ``iPhone``), an
    opening quote or bracket, a digit, or the end. It does not end at a dot inside a token
    (numbers, dates, URLs, e-mails, ``TP.HCM``), after an abbreviation (``ABBREVIATIONS``),
    after an initial following a capitalized word (``Nguyễn V. A.``), after a list marker
    (``1.``, ``II.``), or at an ellipsis inside a quotation. A line break always ends a
    sentence. The spans cover every non-whitespace character of ``text``.
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        base = line.start()
        for start, end in _split_line(line.group()):
            spans.append((base + start, base + end))
    return spans


def _split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans of one line (no newline inside)."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(line, 0)
    for m in _BOUNDARY_RE.finditer(line):
        if m.start() < start:
            continue
        nxt = _skip_space(line, m.end())
        if nxt >= len(line):
            break
        if _is_sentence_end(line, start, m, nxt):
            spans.append((start, m.end()))
            start = nxt
    end = len(line.rstrip())
    if start < end:
        spans.append((start, end))
    return spans


def _skip_space(text: str, pos: int) -> int:
    """The index of the first non-whitespace character at or after ``pos``."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _is_sentence_end(line: str, start: int, m: re.Match[str], nxt: int) -> bool:
    """Whether the punctuation matched by ``m`` ends the sentence that began at ``start``."""
    if not _starts_sentence(line, nxt):
        return False
    marks, closers = m.group(1), m.group(2)
    ellipsis = marks.endswith(("..", "…"))
    if ellipsis:
        return not _inside_quote(line, m.start())
    if marks != "." or closers:
        return True
    if _LIST_MARKER_RE.fullmatch(line[start : m.start()].strip()):
        return False
    token, previous = _token_before(line, m.start())
    return not _is_abbreviation(token, previous)


def _starts_sentence(line: str, pos: int) -> bool:
    """Whether the word at ``pos`` can open a sentence: a capital (also ``iPhone``, ``eKYC``),
    a digit, or an opening quote or bracket."""
    first = line[pos]
    if first.isupper() or first.istitle() or first.isdigit() or first in _OPENERS:
        return True
    end = pos
    while end < len(line) and not line[end].isspace():
        end += 1
    return first.isalpha() and any(ch.isupper() for ch in line[pos + 1 : end])


def _token_before(text: str, pos: int) -> tuple[str, str]:
    """The non-whitespace run ending at ``pos`` and the word before it, both without opening
    quotes or brackets."""
    begin = pos
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    head = text[:begin].rstrip()
    cut = len(head)
    while cut > 0 and not head[cut - 1].isspace():
        cut -= 1
    return text[begin:pos].lstrip(_OPENERS), head[cut:].lstrip(_OPENERS)


def _is_abbreviation(token: str, previous: str) -> bool:
    """Whether ``token`` (the text before a dot, the dot excluded) is an abbreviation.

    ``previous`` is the word before it, used to tell an initial (``Nguyễn V.``) from a
    one-letter word that ends a sentence (``hàng A.``).
    """
    if not token:
        return False
    last = token.rsplit(".", 1)[-1]
    if token.lower() in ABBREVIATIONS or last.lower() in ABBREVIATIONS:
        return True
    if last in LETTER_ABBREVIATIONS:
        return True
    if len(last) == 1 and last.isalpha() and last.isupper():
        # an initial: J.R.R., or a capital letter after a capitalized word (or first in line)
        return "." in token or not previous or previous[0].isupper()
    return False


def _inside_quote(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a quotation that opens before it and closes after it."""
    head, tail = text[:pos], text[pos:]
    if head.count('"') % 2 == 1 and '"' in tail:
        return True
    if head.count("“") > head.count("”") and "”" in tail:
        return True
    return head.count("«") > head.count("»") and "»" in tail


# --- clauses --------------------------------------------------------------------------------


def split_clauses(text: str, max_chars: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``max_chars`` characters at natural boundaries.

    Whitespace inside a piece is collapsed to single spaces, so joining the pieces with ``" "``
    gives back ``text`` with its whitespace collapsed (except across a hard cut, see
    ``clause_spans``).
    """
    return [" ".join(text[a:b].split()) for a, b in clause_spans(text, max_chars)]


def clause_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text`` whose whitespace-collapsed length is <= ``max_chars``.

    A text that fits is one span. Otherwise each cut falls between two words; the best class of
    boundary wins: after ``;`` or sentence punctuation, after ``:``, after ``,``, before a dash
    or ``(`` / after ``)``, before a conjunction (``CONJUNCTIONS``), before a phrase opener
    (``PHRASE_OPENERS``), then any space. Among boundaries of the best class, the one nearest
    an even share of the remaining text wins; boundaries leaving a piece shorter than a third
    of that share, or a piece with nothing to speak, are used only when nothing else fits.

    Last resort: a single word longer than ``max_chars`` (a spelled-out URL, a run of digits)
    is hard-cut inside the word, after a ``/ . - _`` etc. in its second half if there is one,
    never between a letter and its combining mark. Only then does a boundary fall inside a word.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    words = [[m.start(), m.end()] for m in _WORD_RE.finditer(text)]
    if not words:
        return []
    speakable = [_has_alnum(text, a, b) for a, b in words]
    # speakable_after[k]: whether any word from k on has something to speak
    speakable_after = [False] * (len(words) + 1)
    for k in range(len(words) - 1, -1, -1):
        speakable_after[k] = speakable[k] or speakable_after[k + 1]
    remaining = sum(b - a for a, b in words) + len(words) - 1
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        a, b = words[i]
        if b - a > max_chars:
            cut = _hard_cut(text, a, max_chars)
            spans.append((a, cut))
            words[i][0] = cut
            speakable[i] = _has_alnum(text, cut, b)
            remaining -= cut - a
            continue
        j, length = i, b - a
        while j + 1 < len(words) and length + 1 + words[j + 1][1] - words[j + 1][0] <= max_chars:
            j += 1
            length += 1 + words[j][1] - words[j][0]
        if j == len(words) - 1:
            spans.append((a, words[j][1]))
            break
        t, head = _choose_cut(text, words, speakable, speakable_after, i, j, remaining, max_chars)
        spans.append((a, words[t][1]))
        remaining -= head + 1
        i = t + 1
    return spans


def _choose_cut(
    text: str,
    words: list[list[int]],
    speakable: list[bool],
    speakable_after: list[bool],
    i: int,
    j: int,
    remaining: int,
    max_chars: int,
) -> tuple[int, int]:
    """Pick the word ``t`` in ``i..j`` after which to cut; return it and the piece's length."""
    target = remaining / math.ceil(remaining / max_chars)
    shortest = target / 3
    best: tuple[tuple[int, int, float, int], int, int] | None = None
    head, head_speaks = -1, False
    for t in range(i, j + 1):
        head += 1 + words[t][1] - words[t][0]
        head_speaks = head_speaks or speakable[t]
        tier = 0 if head_speaks and speakable_after[t + 1] else 2
        if tier == 0 and head < shortest:
            tier = 1
        word = text[words[t][0] : words[t][1]]
        following = text[words[t + 1][0] : words[t + 1][1]]
        key = (tier, _cut_class(word, following), abs(head - target), -t)
        if best is None or key < best[0]:
            best = (key, t, head)
    assert best is not None  # i <= j
    return best[1], best[2]


def _cut_class(word: str, following: str) -> int:
    """How good a cut between ``word`` and ``following`` is: 0 best, 6 any space."""
    core = word.rstrip(_CLOSERS)
    last = core[-1:]
    if last == ";":
        return 0
    if (
        last
        and last in _TERMINATORS
        and not (last == "." and _is_abbreviation(core[:-1].lstrip(_OPENERS), ""))
    ):
        return 0
    if last == ":":
        return 1
    if last == ",":
        return 2
    if _DASH_TOKEN_RE.fullmatch(following) or following[0] in "([" or word.endswith(")"):
        return 3
    bare = following.strip(_OPENERS + _CLOSERS + ",;:.!?…").lower()
    if bare in CONJUNCTIONS:
        return 4
    if bare in PHRASE_OPENERS:
        return 5
    return 6


def _hard_cut(text: str, start: int, max_chars: int) -> int:
    """Where to cut a word starting at ``start`` that is longer than ``max_chars``."""
    limit = start + max_chars
    soft = max(
        (text.rfind(ch, start + max_chars // 2, limit - 1) for ch in _HARD_CUT_AFTER),
        default=-1,
    )
    cut = soft + 1 if soft >= 0 else limit
    while cut > start + 1 and (_is_mark(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut


def _is_mark(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it (combining mark, joiner, selector)."""
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch in "\u200d\ufe0e\ufe0f"
        or ("\U0001f3fb" <= ch <= "\U0001f3ff")
    )


def _has_alnum(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has a letter or digit, i.e. something to speak."""
    return _ALNUM_RE.search(text, start, len(text) if end is None else end) is not None


# --- articles -------------------------------------------------------------------------------


def segment_article(
    article: ExtractedArticle,
    *,
    max_chars: int,
    normalize: Callable[[str], str] = lambda s: s,
    captions: bool = False,
) -> list[Segment]:
    """Split an article into normalized segments of at most ``max_chars`` characters.

    Sentences are found in the original text of each readable block, normalized one by one and
    cut with ``clause_spans``. ``paragraph`` and ``sentence`` number the readable blocks and
    the sentences of a block as ``split_sentences`` found them, so a skipped sentence (nothing
    to speak once normalized, e.g. only an emoji) leaves a gap. ``start``/``end`` index
    ``article.to_text(captions)``: the pieces of one sentence tile its span in order
    (whitespace between two pieces belongs to the first). A piece is empty (``start == end``)
    only when the normalizer made more pieces out of a stretch than it has characters.
    ``pause_after`` is ``"clause"`` inside a sentence, ``"sentence"`` after one, and
    ``"paragraph"`` after a block's last segment.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    segments: list[Segment] = []
    offset = 0
    for paragraph, block in enumerate(article.readable_blocks(captions)):
        block_start = len(segments)
        for sentence, (a, b) in enumerate(split_sentences(block.text)):
            pieces: list[tuple[str, int, int]] = []
            for x, y in _sentence_chunks(block.text, a, b):
                original = block.text[x:y]
                spoken = normalize(original)
                if _has_alnum(spoken):
                    pieces += [
                        (text, x + start, x + end)
                        for text, start, end in _sentence_pieces(original, spoken, max_chars)
                    ]
            for k, (text, start, end) in enumerate(_tile(pieces, a, b)):
                segments.append(
                    Segment(
                        index=len(segments),
                        text=text,
                        paragraph=paragraph,
                        sentence=sentence,
                        kind=block.kind,
                        start=offset + start,
                        end=offset + end,
                        pause_after="sentence" if k == len(pieces) - 1 else "clause",
                    )
                )
        if len(segments) > block_start:
            segments[-1] = dataclasses.replace(segments[-1], pause_after="paragraph")
        offset += len(block.text) + 1
    return segments


def _sentence_chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[(start, end)]``, or for a sentence longer than ``LONG_SENTENCE_CHARS`` its clauses
    of at most that length (cut like any long text, see ``clause_spans``)."""
    if end - start <= LONG_SENTENCE_CHARS:
        return [(start, end)]
    return [(start + a, start + b) for a, b in clause_spans(text[start:end], LONG_SENTENCE_CHARS)]


def _sentence_pieces(original: str, spoken: str, max_chars: int) -> list[tuple[str, int, int]]:
    """``(text, start, end)`` for each speakable piece of ``spoken``, the normalization of
    ``original``; ``start``/``end`` are offsets in ``original``.

    Pieces with nothing to speak (only punctuation, which clause_spans avoids unless nothing
    else fits) are dropped; ``_tile`` gives their span to a neighbour.
    """
    spans = clause_spans(spoken, max_chars)
    bounds = map_offsets(original, spoken, [a for a, _ in spans[1:]])
    bounds = _non_decreasing([0, *bounds, len(original)])
    return [
        (" ".join(spoken[a:b].split()), bounds[k], bounds[k + 1])
        for k, (a, b) in enumerate(spans)
        if _has_alnum(spoken, a, b)
    ]


def _tile(pieces: list[tuple[str, int, int]], start: int, end: int) -> list[tuple[str, int, int]]:
    """Stretch ordered pieces so that they tile ``[start, end)``: each one ends where the next
    begins (gaps, such as the span of a dropped piece, go to the piece before)."""
    if not pieces:
        return []
    starts = [start] + [s for _, s, _ in pieces[1:]]
    ends = starts[1:] + [end]
    return [(text, s, e) for (text, _, _), s, e in zip(pieces, starts, ends, strict=True)]


def map_offsets(original: str, spoken: str, cuts: list[int]) -> list[int]:
    """Map increasing character offsets of ``spoken`` (a normalization of ``original``) into
    ``original``; the result is non-decreasing.

    Words are aligned with ``difflib.SequenceMatcher`` on a folded form (lowercase, letters and
    digits only), so words the normalizer left alone are exact anchors. An offset between two
    anchors is interpolated linearly by characters, then moved to a nearby start of an original
    word. The offsets are placed together (``_place``): each piece gets a non-empty span when
    possible, and a place inside an original word (``16/5/2|022`` while "... hai | không hai"
    is spoken) only when word starts run out.
    """
    if not cuts:
        return []
    o_words = [(m.start(), m.end()) for m in _WORD_RE.finditer(original)]
    s_words = [(m.start(), m.end()) for m in _WORD_RE.finditer(spoken)]
    matcher = difflib.SequenceMatcher(
        None,
        [_fold(original[a:b]) for a, b in o_words],
        [_fold(spoken[a:b]) for a, b in s_words],
    )
    anchors = [(0, 0)]
    for i, j, size in matcher.get_matching_blocks():
        for k in range(size):
            anchors.append((s_words[j + k][0], o_words[i + k][0]))
            anchors.append((s_words[j + k][1], o_words[i + k][1]))
    anchors.append((len(spoken), len(original)))
    s_points = [s for s, _ in anchors]
    o_starts = [a for a, _ in o_words]
    options = []
    for cut in cuts:
        hi = bisect.bisect_left(s_points, cut)
        if s_points[hi] == cut:  # an unchanged word starts here
            options.append([(anchors[hi][1], 0.0)])
            continue
        (s0, o0), (s1, o1) = anchors[hi - 1], anchors[hi]
        guess = o0 + (cut - s0) * (o1 - o0) / (s1 - s0)
        at_word_start = spoken[cut - 1].isspace()  # not a hard cut inside a word
        options.append(
            _options(o_starts, o0, o1, guess) if at_word_start else [(round(guess), 0.0)]
        )
    return _place(options, len(original))


_CANDIDATES_A_SIDE = 2
_INSIDE_WORD_COST = 1_000.0
_EMPTY_PIECE_COST = 1_000_000.0


def _options(starts: list[int], low: int, high: int, guess: float) -> list[tuple[int, float]]:
    """``(offset, cost)`` choices for a cut guessed at ``guess`` between anchors ``low`` and
    ``high``: the nearest word starts there (cost: distance), and the guess itself (inside a
    word: expensive), sorted by offset."""
    middle = bisect.bisect_left(starts, guess)
    first = max(bisect.bisect_left(starts, low), middle - _CANDIDATES_A_SIDE)
    last = min(bisect.bisect_right(starts, high), middle + _CANDIDATES_A_SIDE)
    choices = {start: abs(start - guess) for start in starts[first:last]}
    rounded = round(guess)
    if rounded not in choices:
        choices[rounded] = abs(rounded - guess) + _INSIDE_WORD_COST
    return sorted(choices.items())


def _place(options: list[list[tuple[int, float]]], length: int) -> list[int]:
    """Choose one offset per cut from its ``(offset, cost)`` options: non-decreasing, at the
    least total cost, where an empty piece (two equal offsets, or one at 0 or ``length``) costs
    most.

    Dynamic programming over a handful of options a cut. The interpolated guesses alone are
    always a valid choice, so there is always an answer.
    """
    last = len(options) - 1
    # best[k][i]: (least total cost with cut k at option i, option of cut k - 1 on that path)
    best: list[list[tuple[float, int]]] = []
    for k, choices in enumerate(options):
        row = []
        for value, cost in choices:
            if (k == 0 and value <= 0) or (k == last and value >= length):
                cost += _EMPTY_PIECE_COST
            row.append(
                (cost, -1) if k == 0 else _cheapest_path(value, cost, options[k - 1], best[-1])
            )
        best.append(row)
    choice = min(range(len(best[last])), key=lambda i: best[last][i][0])
    out = []
    for k in range(last, -1, -1):
        out.append(options[k][choice][0])
        choice = best[k][choice][1]
    return out[::-1]


def _cheapest_path(
    value: int, cost: float, before: list[tuple[int, float]], totals: list[tuple[float, int]]
) -> tuple[float, int]:
    """The least total cost of placing a cut at ``value`` after the cut whose options are
    ``before``, with the totals of those options; and which option of ``before`` gives it."""
    paths = [
        (total + cost + (_EMPTY_PIECE_COST if previous == value else 0.0), i)
        for i, ((previous, _), (total, _)) in enumerate(zip(before, totals, strict=True))
        if previous <= value
    ]
    return min(paths, default=(float("inf"), -1))


def _non_decreasing(bounds: list[int]) -> list[int]:
    """Clamp the inner bounds into ``[previous bound, last bound]``."""
    out = [bounds[0]]
    for value in bounds[1:-1]:
        out.append(min(max(value, out[-1]), bounds[-1]))
    out.append(bounds[-1])
    return out


def _fold(word: str) -> str:
    """A word's comparison form: lowercase letters and digits (the word itself if none)."""
    return _NOT_ALNUM_RE.sub("", word.lower()) or word
