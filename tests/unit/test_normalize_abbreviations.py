"""Abbreviations, article definitions and letter spelling.

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

import pytest

from loa.text.normalize import find_abbreviation_definitions, normalize
from loa.text.normalize.abbreviations import LEXICON
from loa.text.normalize.letters import spell_letters


def test_lexicon_is_large_enough():
    assert len(LEXICON) >= 150


def test_unknown_acronyms_are_spelled_with_vietnamese_letter_names():
    assert normalize("Đài VTC đưa tin.") == "Đài vê tê xê đưa tin."
    assert spell_letters("ĐQ") == "đê quy"


def test_words_of_a_capitalised_headline_are_not_spelled():
    assert normalize("TRỜI MƯA TO TRÊN DIỆN RỘNG") == "TRỜI MƯA TO TRÊN DIỆN RỘNG"


def test_mixed_case_names_and_lone_vowels_are_kept():
    text = "Sở Y tế khuyên dùng iPhone và TikTok."
    assert normalize(text) == text


def test_expansion_does_not_repeat_the_word_before_it():
    assert normalize("Chỉ số CPI tăng nhẹ.") == "Chỉ số giá tiêu dùng tăng nhẹ."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Giao thông vận tải (GTVT) kiểm tra.", {"GTVT": "Giao thông vận tải"}),
        ("Ban Quản lý dự án (BQLDA) báo cáo.", {"BQLDA": "Ban Quản lý dự án"}),
        ("Bộ Khoa học & Công nghệ (KH&CN) chủ trì.", {"KH&CN": "Khoa học & Công nghệ"}),
        ("Cục Đường bộ Việt Nam (CĐBVN) thông báo.", {"CĐBVN": "Cục Đường bộ Việt Nam"}),
        ("Ngân hàng Thế giới (WB) tài trợ.", {"WB": "Ngân hàng Thế giới"}),
        (
            "Trung tâm Phục vụ hành chính công (sau đây gọi tắt là Trung tâm HCC) mở cửa.",
            {"HCC": "hành chính công"},
        ),
        ("Hội Liên hiệp Thanh niên tỉnh (LHTN) phát động.", {"LHTN": "Liên hiệp Thanh niên"}),
        ("Không có định nghĩa (xem thêm) ở đây.", {}),
    ],
)
def test_find_abbreviation_definitions(text, expected):
    assert find_abbreviation_definitions(text) == expected


def test_defined_abbreviation_reads_the_article_long_form():
    text = (
        "Viện Nghiên cứu Hải sản (VNCHS) công bố báo cáo. Theo VNCHS, trữ lượng cá giảm. "
        "Các chuyên gia VNCHS kiến nghị."
    )
    assert normalize(text) == (
        "Viện Nghiên cứu Hải sản công bố báo cáo. Theo Viện Nghiên cứu Hải sản, trữ lượng cá "
        "giảm. Các chuyên gia Viện Nghiên cứu Hải sản kiến nghị."
    )


def test_caller_definitions_win_over_the_table():
    assert normalize("CDC tỉnh cảnh báo.", abbreviations={"CDC": "Trung tâm Y tế dự phòng"}) == (
        "Trung tâm Y tế dự phòng tỉnh cảnh báo."
    )


def test_definition_found_on_another_paragraph_is_used():
    article = "Trung tâm Khuyến nông (TTKN) tập huấn.\nTTKN cũng cấp giống."
    definitions = find_abbreviation_definitions(article)
    second = article.splitlines()[1]
    assert normalize(second, abbreviations=definitions) == "Trung tâm Khuyến nông cũng cấp giống."
