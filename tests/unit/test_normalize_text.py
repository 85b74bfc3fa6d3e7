"""Whole-text behaviour of loa.text.normalize.normalize: plain text, punctuation, properties.

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loa.text.normalize import normalize


def test_normalize_collapses_whitespace_and_keeps_paragraphs():
    assert normalize("  Có   ba\tngười.\n\n\nHết.  ") == "Có ba người.\nHết."


def test_normalize_keeps_sentence_punctuation_for_the_segmenter():
    spoken = normalize("Ngày 5/6, giá tăng 3%; cụ thể: (xem bảng) 20 điểm! Đúng không?")
    for mark in (",", ";", ":", "(", ")", "!", "?"):
        assert mark in spoken


def test_normalize_empty_text():
    assert normalize("") == ""


SENTENCE_PARTS = st.sampled_from(
    [
        "Ngày 16/5/2022",
        "lúc 8h30",
        "có 1.850 người",
        "tăng 3,5%",
        "đạt 7,5 tỷ đồng",
        "giá 250.000 đồng/tháng",
        "Nghị định 15/2020/NĐ-CP",
        "gọi 0912 345 678",
        "UBND tỉnh",
        "thắng 2-1",
        "tỷ lệ 1:500",
        "khoảng 3/5 số hộ",
        "thế kỷ XXI",
        "thứ 4",
        "65 km",
        "27°C",
        "www.chinhphu.vn",
        "TP.HCM",
        "Sở KH&CN",
        "~600 nghìn",
        "giai đoạn 2026-2030",
        "quý I/2025",
        "QL19",
        "Covid-19",
        "$200",
        "tháng 4",
        "1/7",
        "lần thứ IX",
        "vốn FDI",
        "và",
        "của",
        "Hà Nội",
        "hội thảo",
        "(",
        ")",
        ",",
        ".",
        ";",
        "–",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SENTENCE_PARTS, min_size=1, max_size=8))
def test_normalize_is_idempotent_nfc_and_speaks_every_digit(parts):
    text = " ".join(parts)
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert not any("0" <= char <= "9" for char in once)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
def test_normalize_never_crashes_and_returns_nfc(text):
    spoken = normalize(text)
    assert unicodedata.is_normalized("NFC", spoken)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_in_text_come_out_without_digits(value):
    grouped = f"{value:,}".replace(",", ".")
    assert not any(char.isdigit() for char in normalize(f"Tổng cộng {grouped} người."))
