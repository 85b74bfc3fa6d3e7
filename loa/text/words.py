"""Word helpers shared by the text front end: NFC + white space, comparison keys, word counts.

One set of invisible characters (zero-width spaces and joiners, word joiner, BOM, soft hyphen)
is dropped by :func:`normalize_text` and ignored by :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters that take no room on screen and are never read.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS), None)
_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
_TERMINAL_RE = re.compile(r"[.!?…][\"”’')\]]*$")
#: A line that ends like a sentence or a clause (also ":" and ";").
SENTENCE_END_RE = re.compile(r"[.!?…:;][\"”’')\]]*$")

# Sizes (in words) of a real paragraph.
SUBSTANTIAL_MIN_WORDS = 8  # a paragraph with a sentence end and at least this many words
SUBSTANTIAL_ANY_WORDS = 20  # ...or this many words, punctuation or not


def normalize_text(text: str) -> str:
    """NFC, drop invisible characters, turn every run of white space into one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE_RE.sub(" ", text).strip()


def fold(text: str) -> str:
    """A comparison key: NFC, lower-case, words only, single spaces (invisibles ignored)."""
    key = unicodedata.normalize("NFC", text).translate(_INVISIBLE).casefold()
    return " ".join(_WORD_RE.findall(key))


def word_count(text: str) -> int:
    """Number of ``\\w+`` tokens (the unit the corpus scorer counts)."""
    return len(_WORD_RE.findall(text))


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (., !, ?, … possibly followed by a quote)."""
    return bool(_TERMINAL_RE.search(text.rstrip()))


def is_substantial(text: str) -> bool:
    """A real paragraph: a sentence of some length, or a long run of words."""
    n = word_count(text)
    return n >= SUBSTANTIAL_ANY_WORDS or (n >= SUBSTANTIAL_MIN_WORDS and ends_sentence(text))


def is_all_caps(text: str) -> bool:
    """True when the text has at least 4 letters and none of them is lower-case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters)
