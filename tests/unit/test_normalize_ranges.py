"""Ranges, scores, ratios and fractions (loa.text.normalize.ranges)."""

import pytest

from loa.text.normalize import normalize
from loa.text.normalize.ranges import read_fraction


def test_read_fraction():
    assert read_fraction(3, 4) == "ba phần tư"
    assert read_fraction(2, 7) == "hai phần bảy"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Nhiệm kỳ 2021-2026 có nhiều đổi mới.",
         "Nhiệm kỳ hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi sáu có "
         "nhiều đổi mới."),
        ("Mỗi lớp có 30 - 35 học sinh.", "Mỗi lớp có ba mươi đến ba mươi lăm học sinh."),
        ("Sóng cao 2–3 m.", "Sóng cao hai đến ba mét."),
        ("Giá tăng 5%-7%.", "Giá tăng năm phần trăm đến bảy phần trăm."),
        ("Mất 3-5 ngày để hoàn tất.", "Mất ba đến năm ngày để hoàn tất."),
    ],
)
def test_normalize_ranges(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Chủ nhà thắng 4-2 trước đối thủ.", "Chủ nhà thắng bốn hai trước đối thủ."),
        ("Hai đội cầm hòa 0-0.", "Hai đội cầm hòa không không."),
        ("Trận đấu khép lại với tỉ số 3-1.", "Trận đấu khép lại với tỉ số ba một."),
        ("Đội khách dẫn trước 1-0 sau hiệp một.", "Đội khách dẫn trước một không sau hiệp một."),
    ],
)
def test_normalize_scores(text, spoken):
    assert normalize(text) == spoken


def test_range_in_a_sports_sentence_followed_by_a_noun_stays_a_range():
    assert normalize("Đội tuyển tập luyện 2-3 buổi mỗi tuần.") == (
        "Đội tuyển tập luyện hai đến ba buổi mỗi tuần."
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Bản đồ tỷ lệ 1:2.000 được công bố.", "Bản đồ tỷ lệ một trên hai nghìn được công bố."),
        ("Quy hoạch tỷ lệ 1/500 được duyệt.", "Quy hoạch tỷ lệ một trên năm trăm được duyệt."),
        ("Hơn 2/3 số đại biểu tán thành.", "Hơn hai phần ba số đại biểu tán thành."),
        ("Chiếm 1/4 diện tích.", "Chiếm một phần tư diện tích."),
        ("Khoảng 9/10 người được hỏi đồng ý.",
         "Khoảng chín phần mười người được hỏi đồng ý."),
        ("Tỷ lệ 3/1.000 trẻ mắc bệnh.", "Tỷ lệ ba trên một nghìn trẻ mắc bệnh."),
    ],
)
def test_normalize_ratios_and_fractions(text, spoken):
    assert normalize(text) == spoken
