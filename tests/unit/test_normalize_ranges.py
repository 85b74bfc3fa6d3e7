"""Ranges, scores, ratios and fractions (loa.text.normalize.ranges).

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from loa.text.normalize import normalize
from loa.text.normalize.ranges import read_fraction


def test_read_fraction():
    assert read_fraction(3, 4) == "ba phần tư"
    assert read_fraction(2, 7) == "hai phần bảy"


def test_range_in_a_sports_sentence_followed_by_a_noun_stays_a_range():
    assert normalize("Đội tuyển tập luyện 2-3 buổi mỗi tuần.") == (
        "Đội tuyển tập luyện hai đến ba buổi mỗi tuần."
    )


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=100),
)
def test_a_decimal_over_a_whole_number_keeps_its_slash(whole, decimals, out_of):
    spoken = normalize(f"Sản phẩm được chấm {whole},{decimals}/{out_of} điểm.")
    assert " phẩy " in spoken and " trên " in spoken
    assert not any(char.isdigit() for char in spoken)
