"""Dates and clock times (loa.text.normalize.dates, loa.text.normalize.times)."""

import pytest

from loa.text.normalize import normalize
from loa.text.normalize.dates import read_date
from loa.text.normalize.times import read_clock


def test_read_date_full():
    assert read_date(3, 4, 2031) == "ngày mồng ba tháng tư năm hai nghìn không trăm ba mươi mốt"


def test_read_clock():
    assert read_clock(7, 5) == "bảy giờ năm phút"
    assert read_clock(0) == "không giờ"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # full dates, any separator; "ngày" kept once
        ("Ngày 20/11/2023, trường tổ chức lễ kỷ niệm.",
         "Ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi ba, trường tổ chức lễ "
         "kỷ niệm."),
        ("Hạn cuối là 15-8-2026.",
         "Hạn cuối là ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi sáu."),
        ("Quyết định có hiệu lực từ ngày 01.04.2027.",
         "Quyết định có hiệu lực từ ngày mồng một tháng tư năm hai nghìn không trăm hai mươi bảy."),
        # day and month after a cue word; "ngày" and "mồng" are added
        ("Tối 9/3, đoàn về đến thủ đô.",
         "Tối ngày mồng chín tháng ba, đoàn về đến thủ đô."),
        ("Trưa 28/4, mưa lớn xảy ra.", "Trưa ngày hai mươi tám tháng tư, mưa lớn xảy ra."),
        ("Hôm qua (14/2), giá vàng giảm.",
         "Hôm qua (ngày mười bốn tháng hai), giá vàng giảm."),
        # a street named after a date reads the date without "ngày"
        ("Nhà ở đường 2/9, quận Hải Châu.", "Nhà ở đường hai tháng chín, quận Hải Châu."),
        # month and year
        ("Tháng 4/2019, dự án khởi công.",
         "Tháng tư năm hai nghìn không trăm mười chín, dự án khởi công."),
        ("Giá tăng từ 8/2021.", "Giá tăng từ tháng tám năm hai nghìn không trăm hai mươi mốt."),
        ("Hồi tháng 4, mưa nhiều.", "Hồi tháng tư, mưa nhiều."),
        # quarters
        ("Quý III/2026 sẽ bàn giao.", "quý ba năm hai nghìn không trăm hai mươi sáu sẽ bàn giao."),
        # ranges of days
        ("Lễ hội diễn ra từ 12-14/10.",
         "Lễ hội diễn ra từ ngày mười hai đến mười bốn tháng mười."),
        ("Nghỉ lễ từ 30/4-3/5.",
         "Nghỉ lễ từ ngày ba mươi tháng tư đến ngày mồng ba tháng năm."),
    ],
)
def test_normalize_dates(text, spoken):
    assert normalize(text).lower() == spoken.lower()


def test_date_south_uses_mung():
    assert normalize("Sáng 2/9, trời nắng.", region="south") == (
        "Sáng ngày mùng hai tháng chín, trời nắng."
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Buổi lễ bắt đầu lúc 7h30.", "Buổi lễ bắt đầu lúc bảy giờ ba mươi phút."),
        ("Từ 22h đêm nay cấm xe tải.", "Từ hai mươi hai giờ đêm nay cấm xe tải."),
        ("Đóng cửa lúc 17:45.", "Đóng cửa lúc mười bảy giờ bốn mươi lăm phút."),
        ("Phát sóng lúc 20h05 tối.", "Phát sóng lúc hai mươi giờ năm phút tối."),
        ("Giờ mở cửa 8h-17h.", "Giờ mở cửa tám giờ đến mười bảy giờ."),
        ("Kỷ lục 2:03:05 chưa bị phá.", "Kỷ lục hai giờ ba phút năm giây chưa bị phá."),
        ("Từ 0h ngày 1/1, luật mới áp dụng.",
         "Từ không giờ ngày mồng một tháng một, luật mới áp dụng."),
        ("Lúc 10 giờ 15 phút, xe xuất phát.", "Lúc mười giờ mười lăm phút, xe xuất phát."),
    ],
)
def test_normalize_times(text, spoken):
    assert normalize(text) == spoken


def test_colon_after_ratio_word_is_not_a_time():
    assert normalize("Bản đồ tỷ lệ 1:50.") == "Bản đồ tỷ lệ một trên năm mươi."
