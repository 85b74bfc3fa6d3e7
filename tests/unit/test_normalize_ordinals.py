"""Ordinals, weekdays and Roman numerals."""

import pytest

from loa.text.normalize import normalize
from loa.text.normalize.roman import parse_roman


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Đây là lần thứ 1 tỉnh đăng cai.", "Đây là lần thứ nhất tỉnh đăng cai."),
        ("Cô về đích thứ 4.", "Cô về đích thứ tư."),
        ("Hội nghị thứ 14 của Ban Chấp hành.", "Hội nghị thứ mười bốn của Ban Chấp hành."),
        ("Kỷ niệm lần thứ 21 ngày thành lập.", "Kỷ niệm lần thứ hai mươi mốt ngày thành lập."),
        ("Chợ họp vào Thứ 3 và thứ 7.", "Chợ họp vào Thứ ba và thứ bảy."),
        ("Làm việc từ thứ 2 đến thứ 6.", "Làm việc từ thứ hai đến thứ sáu."),
        ("Mở cửa T2-CN.", "Mở cửa thứ hai đến chủ nhật."),
        ("Anh đạt giải hạng 1.", "Anh đạt giải hạng nhất."),
    ],
)
def test_normalize_ordinals(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XIX", 19), ("XXI", 21), ("XL", 40),
     ("IIII", None), ("VX", None), ("MC", None), ("", None)],
)
def test_parse_roman(numeral, value):
    assert parse_roman(numeral) == value


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Kiến trúc có từ thế kỷ XVII.", "Kiến trúc có từ thế kỷ mười bảy."),
        ("Đại hội Đảng bộ huyện lần thứ XXV thành công.",
         "Đại hội Đảng bộ huyện lần thứ hai mươi lăm thành công."),
        ("Quốc hội khóa XV họp kỳ cuối.", "Quốc hội khóa mười lăm họp kỳ cuối."),
        ("Doanh thu quý IV tăng.", "Doanh thu quý bốn tăng."),
        ("Nội dung nêu ở Chương II.", "Nội dung nêu ở Chương hai."),
        ("Đây là giải thưởng lần thứ I.", "Đây là giải thưởng lần thứ nhất."),
        ("Đại hội XIV của Đảng.", "Đại hội mười bốn của Đảng."),
    ],
)
def test_normalize_roman_numerals(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    "text",
    [
        "I think it is good.",
        "Anh ấy làm MC cho chương trình.",
        "Nộp CV trước thứ sáu.",
        "Nhóm nhạc LIV biểu diễn.",
    ],
)
def test_letters_that_are_not_numerals_are_not_read_as_numbers(text):
    spoken = normalize(text)
    for number_word in ("một", "mười", "một trăm", "năm trăm"):
        assert f" {number_word} " not in f" {spoken} "
