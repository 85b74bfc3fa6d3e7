"""Cardinals, decimals and digit strings (loa.text.normalize.numbers)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loa.text.normalize import normalize
from loa.text.normalize.numbers import (
    NORTH,
    SOUTH,
    get_style,
    read_cardinal,
    read_digits,
    read_number,
    read_ordinal,
)


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (0, "không"),
        (7, "bảy"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (34, "ba mươi tư"),
        (55, "năm mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (104, "một trăm linh bốn"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (999, "chín trăm chín mươi chín"),
        (1000, "một nghìn"),
        (1001, "một nghìn không trăm linh một"),
        (1960, "một nghìn chín trăm sáu mươi"),
        (2008, "hai nghìn không trăm linh tám"),
        (2045, "hai nghìn không trăm bốn mươi lăm"),
        (30_070, "ba mươi nghìn không trăm bảy mươi"),
        (1_000_000, "một triệu"),
        (5_300_000, "năm triệu ba trăm nghìn"),
        (2_000_015, "hai triệu không trăm mười lăm"),
        (1_000_000_000, "một tỷ"),
        (3_400_000_000, "ba tỷ bốn trăm triệu"),
        (2_000_000_000_000, "hai nghìn tỷ"),
    ],
)
def test_read_cardinal_north(value, spoken):
    assert read_cardinal(value, NORTH) == spoken


def test_read_cardinal_south_uses_le_ngan_and_bon():
    assert read_cardinal(1_204, SOUTH) == "một ngàn hai trăm lẻ bốn"
    assert read_cardinal(64, SOUTH) == "sáu mươi bốn"


def test_read_cardinal_negative():
    assert read_cardinal(-3) == "âm ba"


def test_read_ordinal_uses_nhat_and_tu():
    assert [read_ordinal(n) for n in (1, 2, 4, 14, 24)] == [
        "nhất", "hai", "tư", "mười bốn", "hai mươi tư"
    ]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("3.600", "ba nghìn sáu trăm"),
        ("12.000.000", "mười hai triệu"),
        ("7,25", "bảy phẩy hai mươi lăm"),
        ("0,3", "không phẩy ba"),
        ("9,07", "chín phẩy không bảy"),
        ("1.234,56", "một nghìn hai trăm ba mươi tư phẩy năm mươi sáu"),
        ("3,14159", "ba phẩy một bốn một năm chín"),
        ("4.0", "bốn chấm không"),
        ("08", "tám"),
        ("0084", "không không tám bốn"),
    ],
)
def test_read_number(written, spoken):
    assert read_number(written) == spoken


def test_read_digits():
    assert read_digits("0207") == "không hai không bảy"


def test_get_style_rejects_unknown_region():
    with pytest.raises(ValueError):
        get_style("central")


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Xã có 305 hộ dân.", "Xã có ba trăm linh năm hộ dân."),
        ("Đã trồng 2.500.000 cây xanh.", "Đã trồng hai triệu năm trăm nghìn cây xanh."),
        ("Điểm chuẩn là 26,5.", "Điểm chuẩn là hai mươi sáu phẩy năm."),
        ("Chuẩn công nghiệp 4.0 đang lan rộng.", "Chuẩn công nghiệp bốn chấm không đang lan rộng."),
    ],
)
def test_normalize_numbers_in_sentences(text, spoken):
    assert normalize(text) == spoken


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
