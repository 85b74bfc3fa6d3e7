"""Ordinals, weekdays and Roman numerals; example tables are in tests/data/normalization/."""

import pytest

from loa.text.normalize import normalize
from loa.text.normalize.roman import parse_roman


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("I", 1),
        ("IV", 4),
        ("IX", 9),
        ("XIV", 14),
        ("XIX", 19),
        ("XXI", 21),
        ("XL", 40),
        ("IIII", None),
        ("VX", None),
        ("MC", None),
        ("", None),
    ],
)
def test_parse_roman(numeral, value):
    assert parse_roman(numeral) == value


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
