"""Legal document numbers, phone numbers, web and e-mail addresses.

Example tables are in tests/data/normalization/ (test_normalize_examples.py)."""

from loa.text.normalize import normalize
from loa.text.normalize.legal import read_code_part
from loa.text.normalize.phone import read_phone_number
from loa.text.normalize.web import read_address


def test_unknown_code_part_is_spelled():
    assert read_code_part("XYZ") == "ích xì i dài dét"


def test_read_phone_number_groups():
    assert read_phone_number("0903.123.456") == "không chín không ba một hai ba bốn năm sáu"


def test_a_short_number_with_a_leading_zero_is_not_a_phone_number():
    assert normalize("Tỷ lệ 0,5 là thấp.") == "Tỷ lệ không phẩy năm là thấp."


def test_read_address_spells_short_labels():
    assert read_address("hn.vn") == "hát en nờ chấm vê en"


def test_abbreviation_with_a_dot_is_not_an_address():
    assert "chấm" not in normalize("Trụ sở ở TP.HCM và v.v.")
