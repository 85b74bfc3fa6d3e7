"""Numbers of legal documents: Nghị định 43/2011/NĐ-CP, Quyết định 567/QĐ-TTg, 18-NQ/TW.

Convention: the number and the year are read as cardinals, every "/" is spoken with the same
word, "trên", and a "-" inside the code is silent. The letter part is expanded part by part from
``data/legal_codes.tsv`` (NĐ = nghị định, CP = chính phủ, TTg = thủ tướng, BGDĐT = bộ giáo dục và
đào tạo), then from the general abbreviation table; a part found in neither is spelled with
Vietnamese letter names. Digits glued to a part are read as a number (QH14 = quốc hội mười bốn).

Example: "43/2011/NĐ-CP" = "bốn mươi ba trên hai nghìn không trăm mười một trên nghị định chính
phủ". After a document word ("Thông tư số 12/2022", "số 18/25") a bare "N/N" is read with "trên"
too, not as a month or a fraction.
"""

from __future__ import annotations

import re

from .abbreviations import LEXICON as GENERAL_ABBREVIATIONS
from .letters import spell_letters
from .numbers import NORTH, RegionStyle, read_cardinal, read_integer_string
from .tables import get_cues, read_mapping

LEGAL_CODES: dict[str, str] = read_mapping("legal_codes.tsv")

SLASH_WORD = "trên"

_UPPER = "A-ZĐÂĂÊÔƠƯ"
_PART = rf"[{_UPPER}][{_UPPER}a-zđ&]*\d*"
_CODE = re.compile(
    rf"(?<![\w/.,])(\d+[a-z]?)((?:/\d{{4}})?)([/-])({_PART}(?:[-/]{_PART})*)(?![\w/])"
)
_DOCUMENT_WORDS = "|".join(
    re.escape(w) for w in sorted(get_cues("document_before"), key=len, reverse=True)
)
_BARE = re.compile(
    rf"(?i:\b(?:{_DOCUMENT_WORDS}))\s+(\d+(?:/\d+)+)(?![\w/]|[.,]\d)"
)
_PART_SPLIT = re.compile(r"^(.*?)(\d*)$")


def read_code_part(part: str, style: RegionStyle = NORTH) -> str:
    """Read one letter part of a document code, e.g. "NĐ", "BGDĐT", "QH14"."""
    letters, digits = _PART_SPLIT.match(part).groups()
    if letters in LEGAL_CODES:
        words = LEGAL_CODES[letters]
    elif letters in GENERAL_ABBREVIATIONS:
        words = GENERAL_ABBREVIATIONS[letters]
    elif "&" in letters:
        words = " và ".join(read_code_part(p, style) for p in letters.split("&") if p)
    else:
        words = spell_letters(letters)
    if digits:
        words += " " + read_cardinal(int(digits), style)
    return words


def read_document_number(number: str, year: str, joiner: str, code: str,
                         style: RegionStyle = NORTH) -> str:
    """Read a whole code from its pieces ("43", "/2011", "/", "NĐ-CP")."""
    digits = re.match(r"\d+", number).group()
    words = [read_integer_string(digits, style)]
    suffix = number[len(digits):]
    if suffix:
        words.append(spell_letters(suffix))
    if year:
        words += [SLASH_WORD, read_cardinal(int(year[1:]), style)]
    if joiner == "/":
        words.append(SLASH_WORD)
    for piece in re.split(r"([-/])", code):
        if piece == "/":
            words.append(SLASH_WORD)
        elif piece and piece != "-":
            words.append(read_code_part(piece, style))
    return " ".join(words)


def expand_legal_codes(text: str, style: RegionStyle = NORTH) -> str:
    """Replace legal document numbers in ``text`` by their spoken form."""

    def replace_code(match: re.Match[str]) -> str:
        number, year, joiner, code = match.groups()
        return read_document_number(number, year, joiner, code, style)

    def replace_bare(match: re.Match[str]) -> str:
        numbers = match.group(1).split("/")
        words = f" {SLASH_WORD} ".join(read_integer_string(n, style) for n in numbers)
        start = match.start(1) - match.start()
        return match.group()[:start] + words

    text = _CODE.sub(replace_code, text)
    return _BARE.sub(replace_bare, text)
