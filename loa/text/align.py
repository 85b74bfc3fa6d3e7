"""Where each spoken word stands in the text the reader sees (word-by-word highlighting).

An engine with word timings (edge) reports the words it *spoke*: the normalized text ("Ủy ban
nhân dân" where the page says "UBND", numbers read out). :func:`place_words` lines them up with
the words of the displayed segment text and gives each spoken word the ``(offset, length)`` of
what it reads on screen, in code points of that text, or None:

- a spoken word equal to a displayed one (ignoring case and diacritics) is placed on it;
- the spoken words between two such matches read the displayed words between them: one for
  one when they are as many, otherwise each is placed on the whole run ("UBND" is lit while
  "Ủy ban nhân dân" is said), unless that run is longer than ``MAX_RUN`` words (no confident
  placement);
- a spoken word with nothing displayed in its place, or no letter or digit, gets None (the
  player keeps the sentence highlight for it).

Placements never go backwards: they follow the order of the displayed text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any, Protocol

from loa.text.normalize import normalize

#: Longest run of displayed words one unmatched stretch of speech may light up at once.
MAX_RUN = 4
_TOKEN_RE = re.compile(r"\S+")
_KEY_RE = re.compile(r"[^\W_]+")
#: Punctuation around a displayed word that is not part of it ("(UBND)," -> "UBND").
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>,.;:!?…–—-*/\\|"

Place = tuple[int, int] | None


class Timed(Protocol):
    """A spoken word with its timing (``loa.engines.base.WordTiming``)."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> float: ...
    @property
    def duration(self) -> float: ...


def word_key(text: str) -> str:
    """Letters and digits only, lower case, without diacritics (đ as d)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(_KEY_RE.findall(bare.replace("đ", "d")))


def displayed_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of each displayed word: a run of non-space characters without the
    punctuation around it, when it has a letter or a digit."""
    out: list[tuple[int, int, str]] = []
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
        key = word_key(text[start:end])
        if key:
            out.append((start, end, key))
    return out


def place_words(display: str, spoken: Sequence[str]) -> list[Place]:
    """For each spoken word, the (offset, length) in ``display`` of what it reads, or None."""
    shown = displayed_words(display)
    keys = [word_key(w) for w in spoken]
    heard = [i for i, k in enumerate(keys) if k]
    out: list[Place] = [None] * len(spoken)
    matcher = SequenceMatcher(None, [keys[i] for i in heard], [k for _s, _e, k in shown], False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                start, end, _key = shown[j1 + k]
                out[heard[i1 + k]] = (start, end - start)
        elif tag == "replace":
            run = shown[j1:j2]
            texts = [display[start:end] for start, end, _key in run]
            said = [keys[heard[k]] for k in range(i1, i2)]
            for k, j in zip(range(i1, i2), _read_out(texts, said), strict=True):
                if j is not None:
                    out[heard[k]] = (run[j][0], run[j][1] - run[j][0])
                elif len(run) <= MAX_RUN:
                    out[heard[k]] = (run[0][0], run[-1][1] - run[0][0])
    return out


def _read_out(run: Sequence[str], heard: Sequence[str]) -> list[int | None]:
    """Which of the displayed words ``run`` each of the ``heard`` keys reads (an index in ``run``),
    matching what was heard with each displayed word as Loa would read it out alone; a heard
    word matching nothing goes with its neighbours. None for all when nothing matches."""
    found: list[int | None] = [0] * len(heard)
    if len(run) == 1:
        return found
    expected: list[tuple[str, int]] = []
    for j, text in enumerate(run):
        said = [word_key(w) for w in normalize(text).split()]
        expected.extend((w, j) for w in said if w)
    found = [None] * len(heard)
    matcher = SequenceMatcher(None, list(heard), [w for w, _j in expected], False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            found[a + k] = expected[b + k][1]
    known = [j for j in found if j is not None]
    if not known:
        return found
    last = known[0]
    for k, got in enumerate(found):
        if got is None:
            found[k] = last
        else:
            last = got
    return found


def timed_words(display: str, words: Sequence[Timed], start: float) -> list[dict[str, Any]]:
    """A playlist segment's ``words``: text, start (seconds from the article audio's start, the
    segment beginning at ``start``), duration, and where the word stands in ``display``
    (``offset``/``length``, both None when it cannot be placed)."""
    places = place_words(display, [w.text for w in words])
    return [
        {
            "text": w.text,
            "start": round(start + w.start, 3),
            "duration": w.duration,
            "offset": place[0] if place else None,
            "length": place[1] if place else None,
        }
        for w, place in zip(words, places, strict=True)
    ]
