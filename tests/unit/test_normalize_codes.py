"""Legal document numbers, phone numbers, web and e-mail addresses."""

import pytest

from loa.text.normalize import normalize
from loa.text.normalize.legal import read_code_part
from loa.text.normalize.phone import read_phone_number
from loa.text.normalize.web import read_address


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Nghị định 38/2022/NĐ-CP quy định mức lương.",
         "Nghị định ba mươi tám trên hai nghìn không trăm hai mươi hai trên nghị định chính phủ "
         "quy định mức lương."),
        ("Quyết định 90/QĐ-TTg được ban hành.",
         "Quyết định chín mươi trên quyết định thủ tướng được ban hành."),
        ("Thông tư 22/2021/TT-BYT hướng dẫn.",
         "Thông tư hai mươi hai trên hai nghìn không trăm hai mươi mốt trên thông tư bộ y tế "
         "hướng dẫn."),
        ("Nghị quyết 57-NQ/TW về khoa học.",
         "Nghị quyết năm mươi bảy nghị quyết trên trung ương về khoa học."),
        ("Kế hoạch 45/KH-UBND của huyện.",
         "Kế hoạch bốn mươi lăm trên kế hoạch ủy ban nhân dân của huyện."),
        ("Luật 61/2020/QH14 có hiệu lực.",
         "Luật sáu mươi mốt trên hai nghìn không trăm hai mươi trên quốc hội mười bốn có "
         "hiệu lực."),
        ("Theo Thông tư số 05/2023, mức phí giảm.",
         "Theo Thông tư số năm trên hai nghìn không trăm hai mươi ba, mức phí giảm."),
    ],
)
def test_normalize_legal_codes(text, spoken):
    assert normalize(text) == spoken


def test_unknown_code_part_is_spelled():
    assert read_code_part("XYZ") == "ích xì i dài dét"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Gọi 0987 654 321 để đặt lịch.",
         "Gọi không chín tám bảy sáu năm bốn ba hai một để đặt lịch."),
        ("Liên hệ 0236.3821.456.", "Liên hệ không hai ba sáu ba tám hai một bốn năm sáu."),
        ("Số máy bàn (028) 3829 5555.",
         "Số máy bàn không hai tám ba tám hai chín năm năm năm năm."),
        ("Gọi quốc tế +84 24 3943 1111.",
         "Gọi quốc tế cộng tám bốn hai bốn ba chín bốn ba một một một một."),
        ("Tổng đài 1900 545 454 hỗ trợ.",
         "Tổng đài một chín không không năm bốn năm bốn năm bốn hỗ trợ."),
        ("Khi có cháy, gọi 114.", "Khi có cháy, gọi một một bốn."),
    ],
)
def test_normalize_phone_numbers(text, spoken):
    assert normalize(text) == spoken


def test_read_phone_number_groups():
    assert read_phone_number("0903.123.456") == "không chín không ba một hai ba bốn năm sáu"


def test_a_short_number_with_a_leading_zero_is_not_a_phone_number():
    assert normalize("Tỷ lệ 0,5 là thấp.") == "Tỷ lệ không phẩy năm là thấp."


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Xem tại www.baochinhphu.vn.",
         "Xem tại vê kép vê kép vê kép chấm baochinhphu chấm vê en."),
        ("Truy cập https://dichvucong.gov.vn/tra-cuu ngay.",
         "Truy cập dichvucong chấm gov chấm vê en gạch chéo tra gạch ngang cuu ngay."),
        ("Trang vnexpress.net đưa tin.", "Trang vnexpress chấm nét đưa tin."),
        ("Email: banbientap@vtv.vn.",
         "Email: banbientap a còng vê tê vê chấm vê en."),
        ("Gửi về thu.ky_2024@abc.org.",
         "Gửi về thu chấm ca i dài gạch dưới hai nghìn không trăm hai mươi tư a còng abc chấm "
         "o rờ gờ."),
    ],
)
def test_normalize_web_addresses(text, spoken):
    assert normalize(text) == spoken


def test_read_address_spells_short_labels():
    assert read_address("hn.vn") == "hát en nờ chấm vê en"


def test_abbreviation_with_a_dot_is_not_an_address():
    assert "chấm" not in normalize("Trụ sở ở TP.HCM và v.v.")
