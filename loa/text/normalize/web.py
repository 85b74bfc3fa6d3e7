"""Web addresses and e-mail addresses.

Convention: "." reads "chấm", "@" reads "a còng", "/" "gạch chéo", "-" "gạch ngang", "_" "gạch
dưới", ":" "hai chấm". The scheme (http://, https://) is not read. Each label is read:

- from ``data/domains.tsv`` when it has a conventional reading (www = vê kép vê kép vê kép,
  vn = vê en, com = com);
- spelled with letter names when it is short (one or two letters) or has no vowel (vtv);
- otherwise as written, as one word (chinhphu, baomoi), the way the address is said on air;
- digit runs inside a label are read as numbers (24h = hai mươi bốn hát).

Example: "tiepnhan@langson.gov.vn" = "tiepnhan a còng langson chấm gov chấm vê en".
A bare domain is recognised only when it ends in a known top-level domain (so "TP.HCM" and
"v.v." are not addresses); with "www." or a scheme any ending is accepted.
"""

from __future__ import annotations

import re

from .letters import spell_letters
from .numbers import NORTH, RegionStyle, read_integer_string
from .tables import read_mapping, read_rows

_DOMAIN_ROWS = read_rows("domains.tsv")
DOMAIN_READINGS: dict[str, str] = {row[0]: row[1] for row in _DOMAIN_ROWS if row[1:2] != [""]}
TOP_LEVEL_DOMAINS = frozenset(row[0] for row in _DOMAIN_ROWS if "tld" in row[2:])
MARK_READINGS: dict[str, str] = read_mapping("address_marks.tsv")

_TLDS = "|".join(sorted(TOP_LEVEL_DOMAINS, key=len, reverse=True))
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PATH = r"(?:/[^\s]*)?"
_URL = re.compile(
    rf"(?<![^\W\d_]|[@.\-/])(?:(?:https?://)(?:{_LABEL}\.)+{_LABEL}|(?:www\.)(?:{_LABEL}\.)+{_LABEL}"
    rf"|(?:{_LABEL}\.)+(?:{_TLDS})(?![A-Za-z-])){_PATH}"
)
_EMAIL = re.compile(rf"(?<![\w.@])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:{_LABEL}\.)+{_LABEL}")
_TRAILING = ".,;:!?)]}\"'”’…"
_PIECES = re.compile(r"[A-Za-z]+|\d+|.", re.DOTALL)
_VOWELS = set("aeiouy")


def read_label(label: str, style: RegionStyle = NORTH) -> str:
    """Read one label of an address (between separators)."""
    lowered = label.lower()
    if lowered in DOMAIN_READINGS:
        return DOMAIN_READINGS[lowered]
    words = []
    for piece in _PIECES.findall(label):
        if piece.isdigit():
            words.append(read_integer_string(piece, style))
        elif piece.isalpha():
            low = piece.lower()
            if low in DOMAIN_READINGS:
                words.append(DOMAIN_READINGS[low])
            elif len(piece) <= 2 or not (_VOWELS & set(low)):
                words.append(spell_letters(piece))
            else:
                words.append(low)
    return " ".join(w for w in words if w)


def read_address(address: str, style: RegionStyle = NORTH) -> str:
    """Read a web or e-mail address piece by piece."""
    address = re.sub(r"^https?://", "", address)
    words = []
    for piece in re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9]", address):
        if piece[0].isalnum():
            words.append(read_label(piece, style))
        elif piece in MARK_READINGS:
            words.append(MARK_READINGS[piece])
    return " ".join(w for w in words if w)


def _split_trailing(found: str) -> tuple[str, str]:
    core = found
    while core and core[-1] in _TRAILING:
        core = core[:-1]
    return core, found[len(core):]


def expand_web_addresses(text: str, style: RegionStyle = NORTH) -> str:
    """Replace e-mail and web addresses in ``text`` by their spoken form."""

    def replace(match: re.Match[str]) -> str:
        core, trailing = _split_trailing(match.group())
        if not core:
            return match.group()
        return read_address(core, style) + trailing

    text = _EMAIL.sub(replace, text)
    return _URL.sub(replace, text)
