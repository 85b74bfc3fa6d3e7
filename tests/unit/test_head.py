"""loa.text.head: menus, breadcrumbs and utility lines above a pasted page's headline go; the
headline and the article stay."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loa.text.extract import extract_plain_text
from loa.text.head import cut_page_head, find_title, is_breadcrumb, is_utility_line
from loa.text.lines import Line

TITLE = "Thành phố mở thêm ba tuyến xe buýt điện nối các khu công nghiệp"
PARAGRAPHS = [
    "Từ ngày 1/7, thành phố đưa vào khai thác ba tuyến xe buýt điện nối trung tâm với các khu "
    "công nghiệp phía bắc, mỗi tuyến có 20 xe chạy từ 5 giờ sáng đến 21 giờ.",
    "Theo Sở Giao thông vận tải, giá vé lượt là 7.000 đồng, công nhân có thẻ được giảm một "
    "nửa và người trên 70 tuổi được miễn phí.",
    "Đại diện doanh nghiệp vận tải cho biết các tuyến mới sẽ giảm đáng kể lượng xe máy đi vào "
    "khu công nghiệp giờ cao điểm.",
]
#: Head chrome of several kinds, as several templates paste it.
HEADS = {
    "menu": ["Trang chủ", "Thời sự", "Kinh tế", "Xã hội", "Thể thao", "Video"],
    "breadcrumb_home": ["Trang chủ » Tin tức » Giao thông"],
    "breadcrumb_slash": ["Xã hội / Giao thông"],
    "breadcrumb_arrow": ["Tin tức - Sự kiện > Hoạt động địa phương"],
    "font_print": ["Cỡ chữ A- A+ In bài"],
    "search": ["Tìm kiếm cho:"],
    "hotline": ["Hotline: 1900 1234"],
    "weather": ["Nhiệt độ Đà Nẵng: 29°C"],
    "login": ["Đăng nhập | Đăng ký"],
    "banner": ["CỔNG THÔNG TIN ĐIỆN TỬ THÀNH PHỐ"],
    "date": ["Thứ Hai, 01/07/2024 08:00"],
}


def _text(*parts: list[str]) -> str:
    return "\n".join(line for part in parts for line in part)


@pytest.mark.parametrize("kind", sorted(HEADS))
def test_each_kind_of_head_chrome_goes_and_the_title_stays(kind: str) -> None:
    article = extract_plain_text(_text(HEADS[kind], [TITLE], PARAGRAPHS))
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == PARAGRAPHS


def test_all_kinds_together_before_title_and_date() -> None:
    head = [line for kind in sorted(HEADS) for line in HEADS[kind]]
    article = extract_plain_text(_text(head, [TITLE, "01/07/2024 | 08:30"], PARAGRAPHS))
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == PARAGRAPHS


def test_a_menu_with_a_widget_label_no_longer_swallows_the_title() -> None:
    """ "Video" labels a chrome box; the headline after the menu used to be taken for one of
    the box's links and dropped."""
    article = extract_plain_text(_text(["Thời sự", "Kinh tế", "Video"], [TITLE], PARAGRAPHS))
    assert article.title == TITLE


def test_a_text_without_head_comes_back_whole() -> None:
    lines = [Line(t) for t in [TITLE, *PARAGRAPHS]]
    assert cut_page_head(lines) == lines


def test_a_line_of_another_shape_above_the_title_stays() -> None:
    note = "Bài viết này được cập nhật lúc 9 giờ sáng với số liệu mới nhất của sở"
    lines = [Line(t) for t in ["Thời sự", note, TITLE, *PARAGRAPHS]]
    assert [ln.text for ln in cut_page_head(lines)] == [note, TITLE, *PARAGRAPHS]


def test_without_prose_nothing_is_cut() -> None:
    lines = [Line(t) for t in ["Thời sự", "Kinh tế", TITLE]]
    assert find_title(lines) is None
    assert cut_page_head(lines) == lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trang chủ » Tin tức » Y tế", True),
        ("Nhà đẹp › Cải tạo", True),
        ("Xã hội / Giao thông", True),
        ("Giá xăng giảm 500 đồng/lít từ chiều nay", False),
        ("Tin tức - Sự kiện", False),
        (PARAGRAPHS[0], False),
    ],
)
def test_breadcrumb_shape(text: str, expected: bool) -> None:
    assert is_breadcrumb(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hotline: 0236 3822 111", True),
        ("Nhiệt độ Huế: 31°C", True),
        ("Tìm kiếm", True),
        ("Hà Nội 25°C, có mưa rào", True),
        ("Menu", True),
        ("Nhiệt độ ngoài trời có lúc lên tới 41 độ, nhiều hộ dân phải sơ tán người già", False),
        ("Người dân tìm kiếm nguồn nước sạch", False),
    ],
)
def test_utility_line_shape(text: str, expected: bool) -> None:
    assert is_utility_line(text) is expected


_short_word = st.sampled_from(["Thời", "Sự", "Kinh", "Tế", "Video", "Nhà", "Đẹp", "Góc", "Y"])
#: Menu entries are capitalised (a lower-case line continues the line above).
_menu_line = st.lists(_short_word, min_size=1, max_size=3).map(" ".join)
_crumb = st.lists(_menu_line, min_size=2, max_size=4).map(" » ".join)
_head_line = st.one_of(_menu_line, _crumb, st.sampled_from([x for v in HEADS.values() for x in v]))


@given(st.lists(_head_line, max_size=12))
def test_any_head_of_chrome_lines_goes_and_the_article_stays_whole(head: list[str]) -> None:
    article = extract_plain_text(_text(head, [TITLE], PARAGRAPHS))
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == PARAGRAPHS


@given(st.lists(st.sampled_from([*PARAGRAPHS, TITLE, "Thời sự", "Xã hội / Giao thông"])))
def test_only_lines_above_the_title_are_dropped(texts: list[str]) -> None:
    lines = [Line(t) for t in texts]
    out = cut_page_head(lines)
    at = find_title(lines)
    start = at or 0
    assert out[len(out) - (len(lines) - start) :] == lines[start:]
    assert all(ln.text not in PARAGRAPHS for ln in lines[:start] if ln not in out)


def test_an_author_line_under_the_title_becomes_a_byline() -> None:
    text = _text(HEADS["menu"], [TITLE, "Đăng bởi Minh Thư"], PARAGRAPHS)
    article = extract_plain_text(text)
    assert article.title == TITLE
    assert [(b.kind, b.text) for b in article.blocks][0] == ("byline", "Đăng bởi Minh Thư")
    assert [b.text for b in article.blocks if b.kind == "body"] == PARAGRAPHS


def test_a_posted_by_line_is_never_the_title() -> None:
    lines = [Line(t) for t in ["Thời sự", TITLE, "Viết bởi Trần Hà", *PARAGRAPHS]]
    assert find_title(lines) == 1


def test_a_short_headline_above_a_subtitle_is_kept() -> None:
    """A headline of a menu entry's length is chrome only within a menu run."""
    short_title = "Bão số 3 đổ bộ Quảng Ninh"
    subtitle = "Cập nhật diễn biến mới nhất sáng nay"
    article = extract_plain_text(_text(["Thời sự"], [short_title, subtitle], PARAGRAPHS))
    assert article.title == short_title
    assert [b.text for b in article.blocks] == [subtitle, *PARAGRAPHS]


def test_long_menu_entries_go_within_a_menu_run() -> None:
    menu = ["Báo chí xuất bản truyền thông", "Công nghệ thông tin", "Bưu chính viễn thông"]
    article = extract_plain_text(_text(menu, [TITLE], PARAGRAPHS))
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == PARAGRAPHS


def test_an_upper_case_headline_after_chrome_and_before_a_date_is_the_title() -> None:
    """A caps line cut off from the prose by a date stamp used to be taken for a banner."""
    caps = "ĐÀ NẴNG THẮNG NGƯỢC, LÊN NGÔI ĐẦU BẢNG"
    text = _text(HEADS["menu"], HEADS["breadcrumb_home"], [caps, "15/3/2025 - 20:45"], PARAGRAPHS)
    article = extract_plain_text(text)
    assert article.title == caps
    assert [b.text for b in article.blocks] == PARAGRAPHS


def test_a_given_title_wins_over_the_pasted_headline() -> None:
    article = extract_plain_text(_text(HEADS["menu"], [TITLE], PARAGRAPHS), title="Xe buýt điện")
    assert article.title == "Xe buýt điện"
    assert [b.text for b in article.blocks] == [TITLE, *PARAGRAPHS]
