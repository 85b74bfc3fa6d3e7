"""Cardinals, decimals and digit strings (loa.text.normalize.numbers).

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loa.text.normalize import normalize
from loa.text.normalize.numbers import (
    SOUTH,
    get_style,
    read_cardinal,
    read_digits,
    read_number,
    read_ordinal,
)


def test_read_cardinal_south_uses_le_ngan_and_bon():
    assert read_cardinal(1_204, SOUTH) == "một ngàn hai trăm lẻ bốn"
    assert read_cardinal(64, SOUTH) == "sáu mươi bốn"


def test_read_cardinal_negative():
    assert read_cardinal(-3) == "âm ba"


def test_read_ordinal_uses_nhat_and_tu():
    assert [read_ordinal(n) for n in (1, 2, 4, 14, 24)] == [
        "nhất",
        "hai",
        "tư",
        "mười bốn",
        "hai mươi tư",
    ]


def test_read_digits():
    assert read_digits("0207") == "không hai không bảy"


def test_get_style_rejects_unknown_region():
    with pytest.raises(ValueError):
        get_style("central")


def test_normalize_region_south():
    assert normalize("Có 1.104 người.", region="south") == "Có một ngàn một trăm lẻ bốn người."


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_cardinal_reading_has_no_digits(value):
    spoken = read_cardinal(value)
    assert spoken and not any(char.isdigit() for char in spoken)
    assert "  " not in spoken


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_number_reads_like_the_integer(value):
    grouped = f"{value:,}".replace(",", ".")
    assert read_number(grouped) == read_cardinal(value)
