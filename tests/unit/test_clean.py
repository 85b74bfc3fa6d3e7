"""loa.text.clean: the chrome, caption and byline rules shared by both extractors."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from loa.text.clean import (
    Line,
    classify_caption,
    clean_lines,
    cut_footer,
    fold,
    is_byline,
    is_chrome_line,
    is_date_line,
    is_footer_line,
    is_image_marker,
    is_nav_term,
    is_widget_label,
    join_wrapped_lines,
    normalize_text,
    split_glued_captions,
    split_trailing_byline,
    trim_head,
    trim_tail,
)
from loa.text.extract import extract_plain_text

SENTENCE = (
    "Ủy ban nhân dân tỉnh vừa ban hành kế hoạch hỗ trợ nông dân chuyển đổi giống lúa chịu mặn "
    "cho vụ đông xuân năm nay."
)
SENTENCE_2 = (
    "Theo kế hoạch, mỗi hộ tham gia được hỗ trợ một nửa chi phí giống và được cán bộ khuyến "
    "nông hướng dẫn kỹ thuật tại ruộng."
)


@pytest.mark.parametrize(
    "line",
    [
        "Skip to main content",
        "Truy cập nội dung luôn",
        "Chế độ ban đêm In trang Xuất PDF Đọc nội dung",
        "-A A +A",
        "A- A A+",
        "Chia sẻ",
        "Chia sẻ | In bài | Gửi email",
        "Bình luận (12)",
        "Lượt xem: 1.234",
        "Tin liên quan",
        "Xem thêm: Giá lúa tăng mạnh sau Tết",
        ">> Nông dân phấn khởi vì được mùa",
        "Trang chủ",
        "Home",
        "Trang chủ > Kinh tế > Nông nghiệp",
        "Tags: lúa, nông dân, đồng bằng",
        "Từ khóa: giống lúa",
        "| Về đầu trang | Đăng nhập |",
        "File đính kèm",
        "Tải về",
        "No video found",
        "Thứ năm, 2/11/2023, 19:20 (GMT+7)",
        "21/12/2012 | 12:00 AM",
        "Cập nhật: 08:15 ngày 3/4/2024",
        "9 giờ trước",
    ],
)
def test_chrome_lines(line):
    assert is_chrome_line(line) or is_widget_label(line)


@pytest.mark.parametrize(
    "line",
    [
        SENTENCE,
        "Năm 2023",
        "Tháng 3/2022: khởi công dự án",
        "Chia sẻ kinh nghiệm trồng lúa chịu mặn của nông dân Sóc Trăng",
        "Bình luận viên nổi tiếng nhận định trận đấu",
        "Hà Nội | 25°C | Nắng nhẹ kéo dài đến chiều tối, gió đông nam cấp 2 đến cấp 3",
        "Điều 1. Chức năng:",
        "Video ghi lại cảnh lũ quét qua bản làng được người dân chia sẻ rộng rãi.",
    ],
)
def test_not_chrome(line):
    assert not is_chrome_line(line)


def test_date_lines_need_a_real_time_stamp():
    assert is_date_line("10:05 12/03/2024")
    assert is_date_line("Thứ hai, 04/03/2024")
    assert not is_date_line("2023")
    assert not is_date_line("Năm 2024 có 366 ngày")


@pytest.mark.parametrize(
    "line",
    [
        r"Description: C:\Users\Tinh Tu Computer\Desktop\IMG_4774.JPG",
        "IMG_2041.jpg",
        "/uploads/2024/03/anh-cau.png",
        "[Hình ảnh]",
        "(Ảnh)",
    ],
)
def test_image_markers(line):
    assert is_image_marker(line)


def test_image_marker_is_not_a_sentence_about_files():
    assert not is_image_marker(SENTENCE)
    assert not is_image_marker("Ảnh hưởng của bão số 3 rất lớn.")


@pytest.mark.parametrize(
    "line",
    [
        "Ảnh minh họa",
        "(Ảnh minh hoạ)",
        "Ảnh: Tiến Tuấn",
        "Nguồn ảnh: Reuters",
        "Người dân gặt lúa trên cánh đồng (Ảnh: Minh Anh).",
        "Ông Trần Văn B, Giám đốc Sở. Ảnh: Hoàng Phong",
        "Ruộng lúa chịu mặn ở Sóc Trăng - Ảnh: NAM LÊ",
        "Mô hình trồng lúa mới (Đồ họa: Thanh Hà)",
    ],
)
def test_captions_by_credit(line):
    assert classify_caption(line) == line


@pytest.mark.parametrize(
    "line",
    [
        SENTENCE,
        "Hình thức hỗ trợ sẽ được công bố trong tuần tới.",
        "Ảnh hưởng của xâm nhập mặn năm nay kéo dài hơn mọi năm.",
        "Sản lượng tăng 5% so với năm trước (nguồn: Tổng cục Thống kê).",
    ],
)
def test_no_caption_without_credit(line):
    assert classify_caption(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Anh Minh",
        "L.C",
        "Hòa Lê (T/h)",
        "Theo CNBC",
        "Theo Thanh Xuân",
        "VnEconomy",
        "Nguồn: TTXVN",
        "Bài và ảnh: Minh Anh",
        "Minh Anh - Hoàng Phong",
        "THANH HÀ",
        "Nguyễn Ngọc Hưng",
    ],
)
def test_bylines(line):
    assert is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        SENTENCE,
        "Thể thao",
        "Trang chủ",
        "Theo kế hoạch, mỗi hộ được hỗ trợ giống.",
        "xã hội",
        "Hà Nội, ngày 5 tháng 3 năm 2024",
    ],
)
def test_not_bylines(line):
    assert not is_byline(line)


def test_footer_lines():
    assert is_footer_line("© 2024 Báo Tin Tức. All rights reserved", strong_only=True)
    assert is_footer_line("CỔNG THÔNG TIN ĐIỆN TỬ TỈNH YÊN BÁI", strong_only=True)
    assert is_footer_line("Địa chỉ: 12 Lê Lợi; Điện thoại: 0216 3852 123")
    assert not is_footer_line("Địa chỉ: 12 Lê Lợi", strong_only=True)
    assert not is_footer_line(SENTENCE)


def test_nav_terms_are_data():
    assert is_nav_term("Thời sự") and is_nav_term("KINH DOANH") and is_nav_term("Sức khỏe")
    assert not is_nav_term("Giá lúa tăng mạnh")


def test_normalize_and_fold():
    assert normalize_text(" Ho\u0302\u0323i\u00a0 tha\u0309o\u200b ") == "Hội thảo"
    assert fold("CHỨC NĂNG, NHIỆM VỤ") == fold("Chức năng nhiệm vụ") == "chức năng nhiệm vụ"


# --- sequence passes ------------------------------------------------------------------


def lines(*texts: str) -> list[Line]:
    """Plain lines."""
    return [Line(t) for t in texts]


def test_trim_head_drops_a_menu_with_a_repeated_breadcrumb():
    menu = ["Giới thiệu", "Cơ cấu tổ chức", "Lịch công tác", "Hỏi đáp", "Liên hệ"]
    seq = lines(*menu, "Lịch công tác", "LỊCH CÔNG TÁC TUẦN 12", SENTENCE, SENTENCE_2)
    assert [ln.text for ln in trim_head(seq)] == ["LỊCH CÔNG TÁC TUẦN 12", SENTENCE, SENTENCE_2]


def test_trim_head_keeps_a_clean_start():
    seq = lines(
        "Giống lúa mới cho vùng mặn",
        "Thành phần:",
        "- Giống ST25",
        "- Phân hữu cơ",
        "- Vôi bột",
        "- Nước sạch",
        SENTENCE,
    )
    assert trim_head(seq) == seq


def test_trim_tail_keeps_byline_and_drops_menu():
    seq = lines(SENTENCE, SENTENCE_2, "Minh Anh", "Thời sự", "Kinh doanh", "Thể thao")
    out = trim_tail(seq)
    assert [(ln.text, ln.hint) for ln in out] == [
        (SENTENCE, "text"),
        (SENTENCE_2, "text"),
        ("Minh Anh", "byline"),
    ]


def test_trim_tail_keeps_a_closing_list():
    seq = lines(SENTENCE, "- Giống ST25", "- Giống OM5451")
    assert trim_tail(seq) == seq


def test_cut_footer_only_at_the_end():
    seq = lines(SENTENCE, "Địa chỉ: 12 Lê Lợi", SENTENCE_2, "BÁO TIN TỨC", "© Báo Tin Tức 2024")
    assert [ln.text for ln in cut_footer(seq)] == [
        SENTENCE,
        "Địa chỉ: 12 Lê Lợi",
        SENTENCE_2,
        "BÁO TIN TỨC",
    ]
    assert cut_footer(lines(SENTENCE, SENTENCE_2)) == lines(SENTENCE, SENTENCE_2)


def test_clean_lines_caption_after_image_marker_and_related_titles():
    seq = lines(
        SENTENCE,
        "IMG_0012.JPG",
        "Nông dân xuống giống lúa chịu mặn",
        SENTENCE_2,
        "Tin liên quan",
        "Giá lúa tăng mạnh sau Tết Nguyên đán",
        "9 giờ trước",
        "Nông dân miền Tây phấn khởi vì được mùa được giá",
        SENTENCE + " Thêm một câu nữa.",
    )
    out = clean_lines(seq)
    assert [(ln.text, ln.hint) for ln in out] == [
        (SENTENCE, "text"),
        ("Nông dân xuống giống lúa chịu mặn", "caption"),
        (SENTENCE_2, "text"),
        (SENTENCE + " Thêm một câu nữa.", "text"),
    ]


def test_clean_lines_drops_title_repeats_and_teasers():
    teaser = " ".join(SENTENCE.split()[:10]) + "..."
    seq = lines("Lúa chịu mặn", teaser, SENTENCE, "Lúa chịu mặn", SENTENCE_2)
    out = clean_lines(seq, title="Lúa chịu mặn")
    assert [ln.text for ln in out] == [SENTENCE, SENTENCE_2]


# --- flattened text -------------------------------------------------------------------


def test_split_glued_caption_at_double_space():
    text = f"Ruộng lúa chịu mặn tại xã Long Phú  {SENTENCE}"
    assert split_glued_captions(text) == [
        Line("Ruộng lúa chịu mặn tại xã Long Phú", "caption"),
        Line(SENTENCE),
    ]


def test_split_glued_caption_before_a_sentence_opener_in_a_long_line():
    rest = SENTENCE_2[0].lower() + SENTENCE_2[1:]
    text = f"{SENTENCE} Cánh đồng lúa chịu mặn đang vào mùa thu hoạch Về lâu dài, {rest}"
    parts = split_glued_captions(text)
    assert Line("Cánh đồng lúa chịu mặn đang vào mùa thu hoạch", "caption") in parts
    assert parts[0] == Line(SENTENCE)


def test_no_split_inside_ordinary_sentences():
    ordinary = [
        SENTENCE,
        "Các đại biểu dự hội thảo  cũng đã thảo luận nhiều nội dung quan trọng khác.",
        f"{SENTENCE} Ông Nguyễn Văn A cho biết trong năm nay huyện sẽ mở rộng diện tích.",
        f"{SENTENCE} {SENTENCE_2} Người dân xã Từ Sơn và Từ Liêm đến dự rất đông vui.",
    ]
    for text in ordinary:
        assert all(part.hint == "text" for part in split_glued_captions(text)), text


def test_split_trailing_byline():
    assert split_trailing_byline(f"{SENTENCE} L.C") == (SENTENCE, "L.C")
    assert split_trailing_byline(f"{SENTENCE} Hòa Lê (T/h)") == (SENTENCE, "Hòa Lê (T/h)")
    assert split_trailing_byline(f"{SENTENCE} {SENTENCE_2}") == (f"{SENTENCE} {SENTENCE_2}", None)


def test_join_wrapped_lines():
    assert join_wrapped_lines(
        [
            "Ủy ban nhân dân tỉnh vừa ban hành kế hoạch hỗ trợ",
            "nông dân chuyển đổi giống lúa.",
            "Tiêu đề",
            "mới",
        ]
    ) == [
        "Ủy ban nhân dân tỉnh vừa ban hành kế hoạch hỗ trợ nông dân chuyển đổi giống lúa.",
        "Tiêu đề",
        "mới",
    ]


# --- property: a clean text comes back intact -------------------------------------------

WORDS = (
    "người dân nông nghiệp tỉnh huyện xã kế hoạch hỗ trợ giống lúa mùa vụ năm nay sản "
    "lượng tăng cao thị trường giá cả ổn định chính quyền địa phương triển khai"
).split()
SENTENCES = st.lists(st.sampled_from(WORDS), min_size=9, max_size=40).map(
    lambda ws: ws[0].capitalize() + " " + " ".join(ws[1:]) + "."
)


@settings(max_examples=60, deadline=None)
@given(
    title=st.lists(st.sampled_from(WORDS), min_size=4, max_size=12).map(
        lambda ws: ws[0].capitalize() + " " + " ".join(ws[1:])
    ),
    paragraphs=st.lists(SENTENCES, min_size=1, max_size=8),
    blank=st.booleans(),
)
def test_clean_plain_text_round_trips(title, paragraphs, blank):
    assume(all(fold(p) != fold(title) for p in paragraphs))
    sep = "\n\n" if blank else "\n"
    article = extract_plain_text(sep.join([title, *paragraphs]))
    assert article.title == title
    kept = [b.text for b in article.blocks]
    # exact repeats of a paragraph are dropped on purpose; everything else stays, in order
    expected = list(dict.fromkeys(p for p in paragraphs))
    assert kept == expected
    assert all(b.kind == "body" for b in article.blocks)
