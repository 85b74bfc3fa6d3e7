"""Abbreviations and acronyms: expanded, voiced, or spelled.

Conventions
-----------
- An abbreviation the article defines ("Sở Tài nguyên và Môi trường (TNMT)") reads as the
  article's long form at every use; the caller's ``abbreviations`` mapping wins over the table.
- Otherwise ``data/abbreviations.tsv`` gives the reading: administrative abbreviations are
  expanded (UBND = ủy ban nhân dân, TP.HCM = thành phố Hồ Chí Minh, NN&PTNT = nông nghiệp và
  phát triển nông thôn, PGS.TS = phó giáo sư tiến sĩ), foreign acronyms are voiced (USD = đô la
  Mỹ, ASEAN = a xê an, Covid = cô vít, IMF = quỹ tiền tệ quốc tế).
- Titles and place words written before a name (TS., GS., TP., Q., P.) lose their dot, so the
  segmenter does not take it for the end of a sentence. "Q." and "P." (quận, phường) and "TT."
  (thị trấn) are expanded only before a name or a number.
- Road prefixes right before a road number read from ``data/road_prefixes.tsv``: QL1A = quốc
  lộ một A, ĐT741 = đường tỉnh bảy trăm bốn mươi mốt (elsewhere ĐH stays "đại học").
- Compounds of known parts are read part by part: "PGS.TS" = phó giáo sư tiến sĩ, "KH&CN" = khoa
  học và công nghệ.
- Any other all-capital acronym of 2 to 7 letters is spelled with Vietnamese letter names
  (see ``letters``): VTV = vê tê vê. So is a lone capital consonant (vitamin C = vitamin xê).
  Vowels standing alone (A, E, I, O, U, Y: "Sở Y tế") and mixed-case names (iPhone, TikTok)
  are left as written, and so are words of a text written all in capitals (a headline).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .letters import LETTER_NAMES, spell_letters
from .tables import read_mapping, read_rows

LEXICON: dict[str, str] = {}
FLAGS: dict[str, frozenset[str]] = {}
for _row in read_rows("abbreviations.tsv"):
    if len(_row) >= 2:
        LEXICON[_row[0]] = _row[1]
        FLAGS[_row[0]] = frozenset(_row[2].split(",")) if len(_row) > 2 else frozenset()

ROAD_PREFIXES: dict[str, str] = read_mapping("road_prefixes.tsv")

_UPPER = "A-ZĐÂĂÊÔƠƯ"
_TOKEN = re.compile(
    rf"(?<![\w&.])([{_UPPER}][{_UPPER}a-zđ]*(?:[.&][{_UPPER}][{_UPPER}a-zđ]*)*)(\.?)(?![\w&])"
)
_ALL_CAPS = re.compile(rf"[{_UPPER}]+")
_VOWELS = set("AEIOUYĂÂÊÔƠƯ")
_WORD = re.compile(r"[^\W\d_]+")
_VIETNAMESE_MARKED = re.compile(r"[^A-ZĐ]")
_SYLLABLE = re.compile(
    r"(?:NGH|NG|NH|CH|GH|GI|KH|PH|QU|TH|TR|[BCDĐGHKLMNPRSTVX])?[AEIOUYĂÂÊÔƠƯ]{1,3}"
    r"(?:NG|NH|CH|[CMNPTIYOU])?"
)


def _is_fixed_key(key: str) -> bool:
    return not re.fullmatch(rf"[{_UPPER}][{_UPPER}a-zđ]*", key)


def _compile_fixed(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keys:
        return None
    alternation = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w&.])(?:{alternation})(?:(?<=\.)|(?![\w&]))")


_FIXED = _compile_fixed(tuple(k for k in LEXICON if _is_fixed_key(k)))


@lru_cache(maxsize=256)
def _compile_definitions(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    return _compile_fixed(keys)


def _next_is_name(text: str, end: int) -> bool:
    rest = text[end:end + 3].lstrip()
    return bool(rest) and (rest[0].isupper() or rest[0].isdigit())


def _is_headline_word(text: str, start: int, end: int) -> bool:
    """Tell whether the word at ``start:end`` is a syllable of a text written in capitals.

    It is when it reads as a word (a Vietnamese syllable such as THANH, or a longer word with
    many vowels such as UKRAINE) and one of the three words on either side is an all-capital
    word with Vietnamese marks (PHÒNG).
    """
    token = text[start:end]
    vowels = sum(char in _VOWELS for char in token)
    if not (_SYLLABLE.fullmatch(token) or (len(token) >= 4 and vowels >= 0.4 * len(token))):
        return False
    left = _WORD.findall(text[max(0, start - 40):start])
    right = _WORD.findall(text[end:end + 40])
    for word in left[-3:] + right[:3]:
        if len(word) > 1 and word.isupper() and _VIETNAMESE_MARKED.search(word):
            return True
    return False


_WORDS_BEFORE = re.compile(r"((?:[^\W\d_]+[^\S\n]+){1,3})$")
_WORDS_AFTER = re.compile(r"^((?:[^\S\n]+[^\W\d_]+){1,3})")


def trim_overlap(text: str, start: int, end: int, words: str) -> str:
    """Drop words of an expansion that the text already says right before or after it.

    "Chỉ số CPI" = "Chỉ số giá tiêu dùng", not "chỉ số chỉ số giá tiêu dùng"; "CDC Mỹ" with
    CDC defined as "... dịch bệnh Mỹ" does not say "Mỹ" twice.
    """
    spoken = words.split()
    if len(spoken) < 2:
        return words
    before = _WORDS_BEFORE.search(text[max(0, start - 60):start])
    if before:
        previous = [w.lower() for w in before.group(1).split()]
        for size in range(min(len(previous), len(spoken) - 1), 0, -1):
            if previous[-size:] == [w.lower() for w in spoken[:size]]:
                spoken = spoken[size:]
                break
    after = _WORDS_AFTER.search(text[end:end + 60])
    if after and len(spoken) > 1:
        following = [w.lower() for w in after.group(1).split()]
        for size in range(min(len(following), len(spoken) - 1), 0, -1):
            if following[:size] == [w.lower() for w in spoken[-size:]]:
                spoken = spoken[:-size]
                break
    return " ".join(spoken)


def _read_token(token: str, definitions: Mapping[str, str]) -> str | None:
    if token in definitions:
        return definitions[token]
    if token in LEXICON and "named" not in FLAGS[token]:
        return LEXICON[token]
    return None


def _spell_if_acronym(token: str) -> str | None:
    if not _ALL_CAPS.fullmatch(token):
        return None
    if len(token) == 1:
        return LETTER_NAMES[token] if token not in _VOWELS and token in LETTER_NAMES else None
    if len(token) <= 7:
        return spell_letters(token)
    return None


def expand_abbreviations(text: str, definitions: Mapping[str, str] | None = None) -> str:
    """Replace abbreviations in ``text`` by their long form, voiced form or spelling."""
    definitions = definitions or {}

    def replace_fixed(match: re.Match[str]) -> str:
        key = match.group()
        if key in definitions:
            return trim_overlap(text, match.start(), match.end(), definitions[key])
        if "named" in FLAGS.get(key, ()) and not _next_is_name(text, match.end()):
            return key
        words = trim_overlap(text, match.start(), match.end(), LEXICON[key])
        return words + " " if key.endswith(".") and match.end() < len(text) else words

    def replace_token(match: re.Match[str]) -> str:
        token, dot = match.groups()
        if not dot and token in ROAD_PREFIXES and re.match(r"[^\S\n]?\d", text[match.end():]):
            return trim_overlap(text, match.start(), match.end(), ROAD_PREFIXES[token])
        words = _read_token(token, definitions)
        if words is None and "named" in FLAGS.get(token, ()) and not dot:
            if _next_is_name(text, match.end()):
                words = LEXICON[token]
        if words is not None:
            words = trim_overlap(text, match.start(), match.end(), words)
            if dot and "prefix" in FLAGS.get(token, ()) and _next_is_name(text, match.end()):
                return words
            return words + dot
        if "." in token or "&" in token:
            return _read_compound(token, dot)
        if _is_headline_word(text, match.start(), match.end()):
            return match.group()
        spelled = _spell_if_acronym(token)
        return match.group() if spelled is None else spelled + dot

    def _read_compound(token: str, dot: str) -> str:
        spoken = []
        readable = True
        for part in re.split(r"([.&])", token):
            if part == "&":
                spoken.append(" và ")
            elif part == ".":
                spoken.append(".")
            else:
                words = _read_token(part, definitions) or _spell_if_acronym(part)
                if words is None:
                    readable = False
                    words = part
                spoken.append(words)
        joined = "".join(spoken)
        if readable:
            joined = joined.replace(".", " ")
        return joined + dot

    fixed_definitions = _compile_definitions(
        tuple(sorted(k for k in definitions if _is_fixed_key(k)))
    )
    if fixed_definitions is not None:
        text = fixed_definitions.sub(
            lambda m: trim_overlap(m.string, m.start(), m.end(), definitions[m.group()]), text
        )
    if _FIXED is not None:
        text = _FIXED.sub(replace_fixed, text)
    return _TOKEN.sub(replace_token, text)
