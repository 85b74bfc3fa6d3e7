"""Abbreviations that an article defines in parentheses.

Articles introduce an abbreviation after its long form: "Sở Khoa học và Công nghệ (KHCN)",
"46 hợp tác xã (HTX)", "Quỹ Tiền tệ Quốc tế (IMF)", "... (sau đây gọi tắt là BQL)". From then on
the abbreviation is read as that long form, even where a dictionary would say otherwise.

How the long form is found, from the words just before the parenthesis (same clause):

1. Initials: the shortest run of words ending right before "(" whose initials spell the
   abbreviation. Initials are compared without tone marks and with Đ = D; lower-case function
   words that the abbreviation leaves out (và, của, các ...: ``definition_skip`` in
   ``data/cues.tsv``) may sit inside the run; "&" in the abbreviation matches "và" or nothing;
   lower-case letters in the abbreviation are ignored (TTg = T, T). "Sở Tài nguyên và Môi trường
   (TNMT)" gives TNMT = "Tài nguyên và Môi trường".
2. Otherwise (a foreign acronym for a Vietnamese name, "Trung tâm Kiểm soát bệnh tật (CDC)"):
   the name that starts at the leftmost capitalised organisation head word (Trung tâm, Tổ chức,
   Quỹ, Ngân hàng ...: ``org_head``) in the clause, going back no further than a word such as
   "của", "theo", "tại" (``definition_stop``) or a "và" that joins two organisations.

A few lower-case words between the long form and the parenthesis (a place: "Liên đoàn Lao động
tỉnh (LĐLĐ)") are not part of it. The parenthesis may repeat a head word ("Sở Thông tin và
Truyền thông (Sở TT&TT)"). A parenthesis that only repeats what the abbreviation table says of
the words before it ("đối tác công tư (PPP)") counts as a definition too.

An abbreviation must have at least two capital letters. The parenthesis of a definition is not
read (the long form was just read); ``remove_definition_parentheses`` drops it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .abbreviations import LEXICON
from .tables import get_cues

_UPPER = "A-ZĐÂĂÊÔƠƯ"
_ABBREVIATION = rf"[{_UPPER}][{_UPPER}a-zđ&.\-]*[{_UPPER}][a-zđ]?"
_INTRO = "|".join(
    re.escape(p) for p in sorted(get_cues("definition_intro"), key=len, reverse=True)
)
_PARENTHESIS = re.compile(
    rf"\s*\(\s*(?:(?i:{_INTRO})\s*)?((?:[^\W\d_]+\s+){{0,3}}?)"
    rf"[\"“'‘]?({_ABBREVIATION})[\"”'’]?\s*\)"
)
_CLAUSE_BREAK = re.compile(r"[.;:!?](?:\s|$)|[,()\[\]\"“”\n]")
_MAX_WORDS = 14


@dataclass(frozen=True)
class Definition:
    """One abbreviation defined in the text, with the span of its parenthesis."""

    abbreviation: str
    long_form: str
    start: int
    end: int


def _fold(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0].upper()
    return "D" if base in ("Đ", "D") else base


def _initial(word: str) -> str:
    for char in word:
        if char.isalpha():
            return _fold(char)
    return ""


def _abbreviation_units(abbreviation: str) -> list[str]:
    units = []
    for char in abbreviation:
        if char == "&":
            units.append("&")
        elif char.isalpha() and char.isupper():
            units.append(_fold(char))
    return units


def _match_initials(words: list[str], units: list[str]) -> int | None:
    """Return the index of the first word of the shortest run ending at the last word."""
    skip = get_cues("definition_skip")

    def search(unit_index: int, word_index: int) -> int | None:
        if unit_index < 0:
            return word_index + 1
        if word_index < 0:
            return None
        unit = units[unit_index]
        word = words[word_index]
        lowered = word.lower()
        if unit == "&":
            if lowered in ("và", "&"):
                found = search(unit_index - 1, word_index - 1)
                if found is not None:
                    return found
            return search(unit_index - 1, word_index)
        if _initial(word) == unit and word not in ("-", "–", "&"):
            found = search(unit_index - 1, word_index - 1)
            if found is not None:
                return found
        if lowered in skip and word_index < len(words) - 1:
            return search(unit_index, word_index - 1)
        return None

    return search(len(units) - 1, len(words) - 1)


def _match_organisation(words: list[str]) -> int | None:
    """Return the index where an organisation name ending at the last word starts."""
    heads = get_cues("org_head")
    stops = get_cues("definition_stop")
    lowered = [w.lower() for w in words]
    best = None
    for index in range(len(words) - 1, -1, -1):
        word = lowered[index]
        if word in stops and index < len(words) - 1:
            break
        if words[index][:1].isupper():
            for size in (3, 2, 1):
                phrase = " ".join(lowered[index:index + size])
                if len(lowered[index:index + size]) == size and phrase in heads:
                    best = index
                    break
    return best


def _find_start(words: list[str], units: list[str],
                initials_only: bool = False) -> tuple[int, int] | None:
    """Return the (start, end) word span of the long form in ``words``, or None."""
    for trailing in range(0, 3):
        end = len(words) - trailing
        if end <= 0 or any(not w.islower() for w in words[end:]):
            break
        start = _match_initials(words[:end], units)
        if start is not None:
            return start, end
    start = None if initials_only else _match_organisation(words)
    return None if start is None else (start, len(words))


def _repeats_table_reading(words: list[str], abbreviation: str) -> int | None:
    """Return where the words before "(X)" start when they say what the table says X is."""
    reading = LEXICON.get(abbreviation)
    if not reading:
        return None
    size = len(reading.split())
    if size > len(words):
        return None
    tail = " ".join(words[-size:]).lower()
    return len(words) - size if tail == reading.lower() else None


def scan_definitions(text: str) -> list[Definition]:
    """Return every abbreviation definition of ``text`` with its parenthesis span."""
    found = []
    for match in _PARENTHESIS.finditer(text):
        abbreviation = match.group(2).rstrip(".-")
        units = _abbreviation_units(abbreviation)
        if len([u for u in units if u != "&"]) < 2:
            continue
        before = text[max(0, match.start() - 200):match.start()]
        breaks = list(_CLAUSE_BREAK.finditer(before))
        clause = before[breaks[-1].end():] if breaks else before
        words = clause.split()[-_MAX_WORDS:]
        words = [w.strip("\"“”'‘’") for w in words]
        words = [w for w in words if w]
        if not words:
            continue
        prefix = [w.lower() for w in match.group(1).split()]
        lowered = {w.lower() for w in words}
        if any(w not in lowered for w in prefix):
            continue
        span = _find_start(words, units, initials_only=bool(prefix))
        if span is None and not prefix:
            start = _repeats_table_reading(words, abbreviation)
            span = None if start is None else (start, len(words))
        if span is None:
            continue
        long_form = " ".join(w for w in words[span[0]:span[1]] if w not in ("-", "–"))
        found.append(Definition(abbreviation, long_form, match.start(), match.end()))
    return found


def find_abbreviation_definitions(text: str) -> dict[str, str]:
    """Map each abbreviation defined in ``text`` to its long form.

    >>> find_abbreviation_definitions("Sở Khoa học và Công nghệ (KHCN) cho biết")
    {'KHCN': 'Khoa học và Công nghệ'}
    """
    text = unicodedata.normalize("NFC", text)
    definitions: dict[str, str] = {}
    for definition in scan_definitions(text):
        definitions.setdefault(definition.abbreviation, definition.long_form)
    return definitions


def remove_definition_parentheses(text: str) -> str:
    """Drop the parenthesis of every definition, which only repeats the long form before it."""
    pieces = []
    last = 0
    for definition in scan_definitions(text):
        pieces.append(text[last:definition.start])
        last = definition.end
    pieces.append(text[last:])
    return "".join(pieces)
