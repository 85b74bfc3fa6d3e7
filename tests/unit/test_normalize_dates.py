"""Dates and clock times (loa.text.normalize.dates, loa.text.normalize.times).

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

from loa.text.normalize import normalize
from loa.text.normalize.dates import read_date
from loa.text.normalize.times import read_clock


def test_read_date_full():
    assert read_date(3, 4, 2031) == "ngày mồng ba tháng tư năm hai nghìn không trăm ba mươi mốt"


def test_read_clock():
    assert read_clock(7, 5) == "bảy giờ năm phút"
    assert read_clock(0) == "không giờ"


def test_date_south_uses_mung():
    assert normalize("Sáng 2/9, trời nắng.", region="south") == (
        "Sáng ngày mùng hai tháng chín, trời nắng."
    )


def test_colon_after_ratio_word_is_not_a_time():
    assert normalize("Bản đồ tỷ lệ 1:50.") == "Bản đồ tỷ lệ một trên năm mươi."
