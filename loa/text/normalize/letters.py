"""Spelling with Vietnamese letter names, for acronyms that have no listed reading.

Convention (one style throughout, from ``data/letters.tsv``): the Vietnamese school names of the
letters, in their full form where there are two: A a, B bê, C xê, D dê, Đ đê, E e, G giê, H hát,
I i, K ca, L e lờ, M em mờ, N en nờ, O o, P pê, Q quy, R e rờ, S ét xì, T tê, U u, V vê, X ích xì,
Y i dài; foreign letters F ép, J gi, W vê kép, Z dét. Digits inside an acronym are read one by one.
Example: "VTV" = "vê tê vê", "ĐTN" = "đê tê en nờ".
"""

from __future__ import annotations

from .numbers import DIGIT_WORDS
from .tables import read_mapping

LETTER_NAMES: dict[str, str] = read_mapping("letters.tsv")


def spell_letters(token: str) -> str:
    """Spell ``token`` letter by letter (case-insensitive); other characters are skipped."""
    words = []
    for char in token:
        upper = char.upper()
        if upper in LETTER_NAMES:
            words.append(LETTER_NAMES[upper])
        elif char.isdigit():
            words.append(DIGIT_WORDS[int(char)])
    return " ".join(words)
