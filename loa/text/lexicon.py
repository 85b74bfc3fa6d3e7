"""A site's pronunciation lexicon: written forms replaced with how they should be spoken.

A lexicon is a plain mapping ``{"KH&CN": "khoa học và công nghệ", "Vingroup": "vin group"}``.
``validate_lexicon`` cleans what a client sends; ``apply_lexicon`` rewrites text with it before
the built-in normalization rules run.

Matching is exact and case-sensitive for every entry: an all-caps acronym (``VIN``) does not
touch an ordinary word (``Vin``), and an entry matches only the form written in it. A match must
stand as a whole word: no letter, digit, ``_`` or combining mark directly before or after it,
nor a ``.``, ``&`` or ``@`` gluing it to one, so ``KH`` matches neither inside ``KHCN`` nor
inside ``KH&CN``, ``TP`` not inside ``TP.HCM``, and ``Hà`` not inside ``Hàn`` (a hyphen does not
glue: ``COVID`` matches in ``COVID-19``). Entries may themselves contain spaces, dots or
symbols (``TP.HCM``, ``C++``, ``Wi-Fi``). When entries overlap at one position, the longest
wins.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

from loa.errors import InputError

MAX_ENTRIES = 5_000
MAX_KEY_CHARS = 100
MAX_VALUE_CHARS = 500

# a word character for the boundary test: \w plus combining marks (text that escaped NFC)
_WORD_CHAR = r"[\w\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# characters that glue two words into one token: TP.HCM, KH&CN, a@b.vn (not "-": COVID-19)
_GLUE = r"[.&@]"
_BEFORE = f"(?<!{_WORD_CHAR})(?<!{_WORD_CHAR}{_GLUE})"
_AFTER = f"(?!{_WORD_CHAR})(?!{_GLUE}{_WORD_CHAR})"
_SPACE_RE = re.compile(r"\s+")
_END = ""  # trie marker: a key ends here (no key character is the empty string)


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """Replace every whole-word occurrence of a lexicon key in ``text`` with its value."""
    if not lexicon or not text:
        return text
    pattern = _compile(frozenset(lexicon.items()))
    if pattern is None:
        return text
    return pattern.sub(lambda m: lexicon[m.group(0)], text)


#: A character trie: each key character leads to the rest; ``_END`` marks a key ending here.
_Trie = dict[str, "_Trie"]


@functools.lru_cache(maxsize=64)
def _compile(items: frozenset[tuple[str, str]]) -> re.Pattern[str] | None:
    """One pattern for all keys, with Unicode-aware word boundaries; ``None`` if no keys.

    Cached by the (hashed) set of items, so a lexicon used for every sentence of an article is
    compiled once.
    """
    trie: _Trie = {}
    for key, _ in items:
        if key:
            node = trie
            for ch in key:
                node = node.setdefault(ch, {})
            node[_END] = {}
    if not trie:
        return None
    return re.compile(_BEFORE + _trie_pattern(trie) + _AFTER)


def _trie_pattern(node: _Trie) -> str:
    """A regex matching the keys of a character trie, trying longer keys first.

    Branches of a node start with different characters, and a key ending at a node makes the
    rest optional (greedy), so the engine tries the longest key first and backtracks to shorter
    ones when the word boundary fails: the same result as an alternation sorted longest first,
    but each position of the text costs one lookup per character instead of one per key.
    """
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if len(branches) == 1 and _END not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if _END in node else group


def validate_lexicon(entries: Mapping[str, str]) -> dict[str, str]:
    """Check and clean a lexicon a client sent; raise ``InputError`` naming the bad entry.

    Both sides are put in NFC, stripped and have inner whitespace collapsed to one space. Keys
    and values must be non-empty strings without control characters, keys at most
    ``MAX_KEY_CHARS`` characters, values at most ``MAX_VALUE_CHARS``, and there may be at most
    ``MAX_ENTRIES`` entries. Two keys that become equal once cleaned must agree on the value.
    """
    if not isinstance(entries, Mapping):
        raise InputError("a lexicon must be an object of written form -> spoken form", "entries")
    if len(entries) > MAX_ENTRIES:
        raise InputError(
            f"a lexicon holds at most {MAX_ENTRIES:,} entries, got {len(entries):,}", "entries"
        )
    cleaned: dict[str, str] = {}
    for raw_key, raw_value in entries.items():
        field = f"entries.{raw_key}"
        key = _clean(raw_key, field, "written form")
        value = _clean(raw_value, field, "spoken form")
        field = f"entries.{key}"
        if len(key) > MAX_KEY_CHARS:
            raise InputError(
                f"the written form is {len(key)} characters long; at most {MAX_KEY_CHARS}", field
            )
        if len(value) > MAX_VALUE_CHARS:
            raise InputError(
                f"the spoken form is {len(value)} characters long; at most {MAX_VALUE_CHARS}",
                field,
            )
        if cleaned.get(key, value) != value:
            raise InputError(
                f"{key!r} is given twice with different spoken forms "
                f"({cleaned[key]!r} and {value!r})",
                field,
            )
        cleaned[key] = value
    return cleaned


def _clean(text: object, field: str, what: str) -> str:
    """NFC, stripped, whitespace-collapsed ``text``; ``InputError`` if empty or not text."""
    if not isinstance(text, str):
        raise InputError(f"the {what} must be a string, got {type(text).__name__}", field)
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not text:
        raise InputError(f"the {what} is empty", field)
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InputError(f"the {what} contains a control character", field)
    return text
