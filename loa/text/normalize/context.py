"""Helpers that look at the words around a match, shared by the rule modules.

Rules decide between readings from the neighbouring words: "7/2" after "chiều" is a date,
"2-1" after "thắng" is a score. These helpers return those neighbouring words, lower-cased, and
stop at sentence punctuation so that a cue never leaks in from a previous sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+|\d+|\(")
_SENTENCE_END = re.compile(r"[.!?;:\n]\s|[\n]")


def get_words_before(text: str, position: int, count: int = 3, window: int = 80) -> list[str]:
    """Return up to ``count`` lower-case words before ``position`` (nearest last).

    Stops at the start of the sentence. An opening parenthesis counts as a word, so that
    "(12/5)" can be told apart.
    """
    start = max(0, position - window)
    chunk = text[start:position]
    ends = list(_SENTENCE_END.finditer(chunk))
    if ends:
        chunk = chunk[ends[-1].end():]
    words = _WORD.findall(chunk)
    return [w.lower() for w in words[-count:]]


def get_words_after(text: str, position: int, count: int = 2, window: int = 60) -> list[str]:
    """Return up to ``count`` lower-case words after ``position`` (nearest first).

    Returns an empty list when punctuation comes first: cues after a match must follow it
    directly.
    """
    chunk = text[position:position + window]
    stripped = chunk.lstrip()
    if not stripped or not (stripped[0].isalpha()):
        return []
    words = []
    for match in _WORD.finditer(chunk):
        if match.group() == "(":
            break
        between = chunk[match.start() - 1] if match.start() > 0 else " "
        if words and between not in " \t":
            break
        words.append(match.group().lower())
        if len(words) == count:
            break
    return words


def has_cue_before(words: list[str], cues: Iterable[str], reach: int = 1) -> bool:
    """Tell whether one of ``cues`` (one or more words) ends within ``reach`` words of the end."""
    for cue in cues:
        parts = cue.split()
        size = len(parts)
        for offset in range(reach):
            end = len(words) - offset
            if end - size < 0:
                break
            if words[end - size:end] == parts:
                return True
    return False


def has_cue_after(words: list[str], cues: Iterable[str]) -> bool:
    """Tell whether the words after a match start with one of ``cues``."""
    for cue in cues:
        parts = cue.split()
        if words[:len(parts)] == parts:
            return True
    return False


def get_sentence(text: str, position: int) -> str:
    """Return the lower-case sentence around ``position`` (bounded by . ! ? ; or a newline)."""
    left = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position),
               text.rfind("! ", 0, position), text.rfind("? ", 0, position))
    right_candidates = [i for i in (text.find(". ", position), text.find("\n", position),
                                    text.find("! ", position), text.find("? ", position)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1:right].lower()


def join_spaced(before: str, words: str, after: str) -> str:
    """Return ``words`` padded with a space wherever it would touch a letter or digit."""
    if before and before[-1].isalnum():
        words = " " + words
    if after and after[0].isalnum():
        words = words + " "
    return words
