"""Symbols that stand for words (loa.text.normalize.symbols)."""

import pytest

from loa.text.normalize import normalize
from loa.text.normalize.symbols import separate_glued_codes


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Công ty Cơ khí & Xây dựng Hưng Thịnh.", "Công ty Cơ khí và Xây dựng Hưng Thịnh."),
        ("Sân có sức chứa ~40.000 khán giả.", "Sân có sức chứa khoảng bốn mươi nghìn khán giả."),
        ("Người lao động ≥ 55 tuổi.", "Người lao động lớn hơn hoặc bằng năm mươi lăm tuổi."),
        ("Chỉ số ≤ 100 là an toàn.", "Chỉ số nhỏ hơn hoặc bằng một trăm là an toàn."),
        ("Tấm ván 20x30 cm.", "Tấm ván hai mươi nhân ba mươi xen ti mét."),
        ("Sai số ±2%.", "Sai số cộng trừ hai phần trăm."),
        ("Phim dán nhãn 18+.", "Phim dán nhãn mười tám cộng."),
        ("Báo cáo tổng kết 2023 – phương hướng 2024.",
         "Báo cáo tổng kết hai nghìn không trăm hai mươi ba – phương hướng hai nghìn không trăm "
         "hai mươi tư."),
    ],
)
def test_normalize_symbols(text, spoken):
    assert normalize(text) == spoken


def test_separate_glued_codes():
    assert separate_glued_codes("QL19 và U23, H5N1") == "QL 19 và U 23, H 5 N 1"
