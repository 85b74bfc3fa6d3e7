"""Units, percent and money (loa.text.normalize.units, loa.text.normalize.currency)."""

import pytest

from loa.text.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Đoạn đường dài 12 km.", "Đoạn đường dài mười hai ki lô mét."),
        ("Căn nhà rộng 120m2.", "Căn nhà rộng một trăm hai mươi mét vuông."),
        ("Hồ chứa 3 triệu m³ nước.", "Hồ chứa ba triệu mét khối nước."),
        ("Tỉnh có 600 km² rừng.", "Tỉnh có sáu trăm ki lô mét vuông rừng."),
        ("Trồng mới 250 ha lúa.", "Trồng mới hai trăm năm mươi héc ta lúa."),
        ("Mỗi bao nặng 50kg.", "Mỗi bao nặng năm mươi ki lô gam."),
        ("Lượng mưa đo được 85 mm.", "Lượng mưa đo được tám mươi lăm mi li mét."),
        ("Trời rét 9°C.", "Trời rét chín độ xê."),
        ("Đỉnh núi lạnh -3°C.", "Đỉnh núi lạnh âm ba độ xê."),
        ("Nhà máy 50 MW hòa lưới.", "Nhà máy năm mươi mê ga oát hòa lưới."),
        ("Tiêu thụ 400 kWh.", "Tiêu thụ bốn trăm ki lô oát giờ."),
        ("Xe chạy 90 km/h.", "Xe chạy chín mươi ki lô mét trên giờ."),
        ("Điện thoại có 256 GB bộ nhớ.", "Điện thoại có hai trăm năm mươi sáu gi ga bai bộ nhớ."),
        ("Năng suất đạt 6 tấn/ha.", "Năng suất đạt sáu tấn một héc ta."),
        ("Giá thuê 200.000 đồng/m2/tháng.",
         "Giá thuê hai trăm nghìn đồng một mét vuông một tháng."),
        ("Hàng trăm km2 bị ảnh hưởng.", "Hàng trăm ki lô mét vuông bị ảnh hưởng."),
    ],
)
def test_normalize_units(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Tỷ lệ hộ nghèo còn 1,8%.", "Tỷ lệ hộ nghèo còn một phẩy tám phần trăm."),
        ("Lãi suất 6%/năm.", "Lãi suất sáu phần trăm một năm."),
        ("Đạt 100 % kế hoạch.", "Đạt một trăm phần trăm kế hoạch."),
    ],
)
def test_normalize_percent(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Vé vào cửa 40.000đ.", "Vé vào cửa bốn mươi nghìn đồng."),
        ("Giá 1.200.000 VND một suất.", "Giá một triệu hai trăm nghìn đồng một suất."),
        ("Dự án trị giá 2,3 tỷ USD.", "Dự án trị giá hai phẩy ba tỷ đô la Mỹ."),
        ("Quỹ nhận $15.000 từ nhà tài trợ.", "Quỹ nhận mười lăm nghìn đô la từ nhà tài trợ."),
        ("Khoản vay US$3 triệu.", "Khoản vay ba triệu đô la Mỹ."),
        ("Giá dầu 80 USD/thùng.", "Giá dầu tám mươi đô la Mỹ một thùng."),
        ("Phí 30.000 VNĐ/người.", "Phí ba mươi nghìn đồng một người."),
        ("Cà phê giá 25k một ly.", "Cà phê giá hai mươi lăm nghìn một ly."),
        ("Lương 12tr mỗi tháng.", "Lương mười hai triệu mỗi tháng."),
        ("Giá vé €20.", "Giá vé hai mươi ơ rô."),
    ],
)
def test_normalize_money(text, spoken):
    assert normalize(text) == spoken


def test_slash_without_number_is_not_per():
    assert normalize("Học sinh và/hoặc phụ huynh ký tên.") == (
        "Học sinh và hoặc phụ huynh ký tên."
    )
