"""Vietnamese text normalization: written text -> what a newsreader says.

Public API::

    normalize(text, *, region="north", abbreviations=None) -> str
    find_abbreviation_definitions(text) -> dict[str, str]

``normalize`` turns numbers, dates, times, units, money, phone numbers, legal document codes,
web addresses, symbols and abbreviations into words (see each module for its convention) and
keeps sentence punctuation, quotes and parentheses that no rule consumed, so that a segmenter can
still cut the text. Text that needs no change comes back unchanged (whitespace collapsed).

``region="south"`` reads "lẻ" for "linh", "ngàn" for "nghìn", "bốn" for "tư" after "mươi" and
"mùng" for "mồng". ``abbreviations`` maps an abbreviation to the long form the article defined;
it wins over the built-in table. Definitions written in ``text`` itself are also used, and the
parenthesis of a definition ("Sở Khoa học và Công nghệ (KHCN)") is not read.

The rules run in a fixed order, most specific first, each on the output of the previous one.
Every rule writes words without digits, so a later rule never re-reads what an earlier one
produced: definitions, web addresses, legal codes, phone numbers, times, dates, ordinals,
glued codes (QL19), ranges/scores/fractions, money, units, Roman numerals, abbreviations,
symbols, any number left, and last the marks that join words ("/", "-", "&"), after which
abbreviations and unit symbols that stood glued to a digit or a mark are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .abbreviations import expand_abbreviations
from .currency import expand_currency
from .dates import expand_dates
from .definitions import find_abbreviation_definitions, remove_definition_parentheses
from .legal import expand_legal_codes
from .numbers import expand_numbers, get_style
from .ordinals import expand_ordinals
from .phone import expand_phone_numbers
from .ranges import expand_ranges
from .roman import expand_roman_numerals
from .symbols import expand_joining_marks, expand_symbols, separate_glued_codes
from .times import expand_times
from .units import expand_standalone_units, expand_units
from .web import expand_web_addresses

__all__ = ["find_abbreviation_definitions", "normalize"]

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
_SPACE_BEFORE_PUNCTUATION = re.compile(
    r"[^\S\n]+([,.;:!?…)\]}”’%])(?=\s|$|[,.;:!?…)\]}”’\"'])"
)
_SPACE_AFTER_OPENING = re.compile(r"([(\[{“‘])[^\S\n]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\ufeff]")


def _clean_spaces(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    text = _SPACE_AFTER_OPENING.sub(r"\1", text)
    return text.strip()


def normalize(
    text: str,
    *,
    region: str = "north",
    abbreviations: Mapping[str, str] | None = None,
) -> str:
    """Return the spoken form of ``text`` (a clause, a sentence or several paragraphs).

    >>> normalize("Ngày 16/5/2022, Sở KH&CN có 1.850 hồ sơ.")
    'Ngày mười sáu tháng năm năm hai nghìn không trăm hai mươi hai, Sở khoa học và công nghệ \
có một nghìn tám trăm năm mươi hồ sơ.'
    """
    style = get_style(region)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    definitions = find_abbreviation_definitions(text)
    if abbreviations:
        definitions.update(
            (unicodedata.normalize("NFC", key.strip()), unicodedata.normalize("NFC", value))
            for key, value in abbreviations.items()
            if key and key.strip() and value and value.strip()
        )
    text = remove_definition_parentheses(text)
    text = expand_web_addresses(text, style)
    text = expand_legal_codes(text, style)
    text = expand_phone_numbers(text)
    text = expand_times(text, style)
    text = expand_dates(text, style)
    text = expand_ordinals(text, style)
    text = separate_glued_codes(text)
    text = expand_ranges(text, style)
    text = expand_currency(text, style)
    text = expand_units(text)
    text = expand_roman_numerals(text, style)
    text = expand_abbreviations(text, definitions)
    text = expand_symbols(text)
    text = expand_numbers(text, style)
    # words that were glued to digits or joined by marks stand alone only now
    text = expand_joining_marks(text)
    text = expand_abbreviations(text, definitions)
    text = expand_standalone_units(text)
    return _clean_spaces(text)
