"""loa.text.tails: what follows the article on a pasted page is cut by kind of block."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loa.text.extract import extract_html, extract_plain_text
from loa.text.lines import Line
from loa.text.tails import cue_kind, cut_tail

TITLE = "Tỉnh khởi công tuyến đường ven biển nối ba huyện"
PARAGRAPHS = [
    "Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ khởi công tuyến đường ven biển dài 42 km nối "
    "ba huyện phía đông, với tổng mức đầu tư hơn 2.000 tỷ đồng.",
    "Theo chủ đầu tư, tuyến đường có bốn làn xe, được thiết kế với vận tốc 80 km một giờ và dự "
    "kiến hoàn thành vào cuối năm 2026.",
    "Ông Lê Văn Bình, Giám đốc Sở Giao thông vận tải, cho biết dự án sẽ mở ra không gian phát "
    "triển du lịch và kinh tế biển cho cả vùng.",
    "Người dân các xã ven biển bày tỏ vui mừng vì việc đi lại, vận chuyển hải sản từ nay sẽ "
    "thuận tiện và nhanh hơn nhiều so với trước đây.",
]
#: Tail blocks of several kinds, as pasted from several templates.
TAILS = {
    "rating": ["Bạn đánh giá bài viết này thế nào?", "1 2 3 4 5"],
    "rating_useful": ["Bài viết có hữu ích không?", "Có (12)", "Không (1)"],
    "prevnext": ["« Bài trước: Tỉnh họp bàn phương án giải phóng mặt bằng", "Bài sau »"],
    "author": [
        "Về tác giả",
        "Trần Minh Khoa",
        "Phóng viên mảng hạ tầng, giao thông, có hơn mười năm kinh nghiệm viết về đô thị.",
    ],
    "comments": [
        "Bình luận (2)",
        "Nguyễn Hải",
        "Mong dự án làm nhanh, đường cũ hỏng nặng lắm rồi, mùa mưa đi lại rất khổ.",
        "Trả lời",
    ],
    "unlabelled_comments": [
        "Hoàng Lan (Đà Nẵng)",
        "3 giờ trước",
        "Đường đẹp thế này thì du lịch ven biển sẽ phát triển mạnh, mong làm đúng tiến độ.",
        "Quốc Bảo",
        "15/03/2024 10:15",
        "Đề nghị làm thêm đường gom cho xe máy.",
    ],
    "form": [
        "Gửi bình luận",
        "Họ và tên *",
        "Email của bạn sẽ không được hiển thị công khai.",
        "Gửi",
    ],
    "share": ["Chia sẻ bài viết lên mạng xã hội", "Facebook Zalo Twitter"],
    "related": [
        "Tin cùng chuyên mục",
        "Nâng cấp quốc lộ qua thị xã trước mùa mưa bão",
        "Khánh thành cầu vượt sông nối hai xã biên giới",
    ],
    "footer": [
        "Cơ quan chủ quản: Ủy ban nhân dân tỉnh",
        "Địa chỉ: 12 Trần Phú, thành phố ven biển",
        "Hotline: 0912 000 111",
        "© 2024 Cổng thông tin điện tử tỉnh. Ghi rõ nguồn khi phát hành lại.",
    ],
    "cookie": [
        "Chúng tôi sử dụng cookie để cải thiện trải nghiệm của bạn khi truy cập website.",
        "Đồng ý",
    ],
}


def paste(*tail_kinds: str, byline: str | None = "Minh Anh") -> str:
    lines = [TITLE, *PARAGRAPHS]
    if byline:
        lines.append(byline)
    for kind in tail_kinds:
        lines.extend(TAILS[kind])
    return "\n".join(lines)


def body(text: str) -> list[str]:
    return [b.text for b in extract_plain_text(text).blocks if b.kind == "body"]


@pytest.mark.parametrize("kind", sorted(TAILS))
def test_each_kind_of_tail_is_cut(kind: str) -> None:
    article = extract_plain_text(paste(kind))
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == [*PARAGRAPHS, "Minh Anh"]
    assert article.blocks[-1].kind == "byline"


def test_a_whole_page_tail_is_cut() -> None:
    assert body(
        paste("rating", "share", "prevnext", "author", "comments", "related", "footer")
    ) == (PARAGRAPHS)


def test_read_more_link_inside_the_article_does_not_end_it() -> None:
    lines = [
        TITLE,
        PARAGRAPHS[0],
        "Xem thêm: Tỉnh phê duyệt quy hoạch vùng ven biển",
        *PARAGRAPHS[1:],
    ]
    assert body("\n".join(lines)) == PARAGRAPHS


def test_tail_words_inside_prose_do_not_end_it() -> None:
    prose = (
        "Bình luận về dự án, nhiều chuyên gia cho rằng cần sớm hoàn thiện hệ thống đường gom, "
        "tránh để người dân hai bên đường phải đi vòng xa."
    )
    lines = [TITLE, PARAGRAPHS[0], prose, *PARAGRAPHS[1:]]
    assert body("\n".join(lines)) == [PARAGRAPHS[0], prose, *PARAGRAPHS[1:]]


def test_a_cue_before_the_article_does_not_cut_it() -> None:
    text = "\n".join(["Chia sẻ bài viết", TITLE, *PARAGRAPHS])
    assert body(text) == PARAGRAPHS


def test_cookie_banner_at_the_top_is_dropped_with_its_button() -> None:
    text = "\n".join([*TAILS["cookie"], TITLE, *PARAGRAPHS])
    article = extract_plain_text(text)
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == PARAGRAPHS


def test_unlabelled_link_list_after_the_article_is_cut() -> None:
    links = [
        "Hội nghị xúc tiến đầu tư vào khu kinh tế ven biển",
        "Tỉnh đón đoàn doanh nghiệp Nhật Bản tìm hiểu cơ hội hợp tác",
        "Khởi động dự án nâng cấp cảng cá trung tâm",
    ]
    assert body("\n".join([TITLE, *PARAGRAPHS, *links])) == PARAGRAPHS


def test_a_list_introduced_by_a_colon_is_article() -> None:
    items = [
        "Đơn đề nghị theo mẫu của Sở Giao thông",
        "Bản sao giấy chứng nhận quyền sử dụng đất",
        "Biên bản kiểm đếm tài sản trên đất",
    ]
    text = "\n".join([TITLE, *PARAGRAPHS, "Hồ sơ bồi thường gồm:", *items])
    assert body(text) == [*PARAGRAPHS, "Hồ sơ bồi thường gồm:", *items]


def test_html_page_whose_template_leaks_a_tail() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    leaked = "".join(f"<p>{t}</p>" for t in TAILS["rating"] + TAILS["comments"])
    page = (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
        f"{paragraphs}{leaked}</article></body></html>"
    )
    article = extract_html(page)
    assert [b.text for b in article.blocks if b.kind == "body"] == PARAGRAPHS


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Bạn đánh giá bài viết này thế nào?", "rating"),
        ("» Bài tiếp theo", "prevnext"),
        ("Thông tin tác giả", "author"),
        ("Ý kiến bạn đọc (5)", "comments"),
        ("Chia sẻ lên Facebook", "share"),
        ("Có thể bạn quan tâm", "related"),
        ("© 2024 Báo điện tử tỉnh", "footer"),
        ("Trang này dùng cookies để đo lượng truy cập.", "cookie"),
        ("Theo dõi Báo Lao Động trên Google News", "share"),
        ("Theo dõi sát diễn biến của bão", None),
        (PARAGRAPHS[0], None),
        ("Bình luận về dự án, ông Bình cho biết sẽ làm nhanh.", None),
    ],
)
def test_cue_kind(line: str, kind: str | None) -> None:
    assert cue_kind(line) == kind


def test_nothing_to_cut_returns_the_lines() -> None:
    lines = [Line(TITLE), *(Line(p) for p in PARAGRAPHS)]
    assert cut_tail(lines) == lines


@given(
    st.lists(st.sampled_from(PARAGRAPHS), min_size=2, max_size=6),
    st.lists(st.sampled_from(sorted(TAILS)), max_size=5),
    st.booleans(),
)
def test_article_plus_any_tail_reads_as_the_article(
    paragraphs: list[str], kinds: list[str], with_byline: bool
) -> None:
    # repeated paragraphs would be dropped as repeats, so keep one of each, in order
    unique = list(dict.fromkeys(paragraphs))
    if len(unique) < 2:
        unique = PARAGRAPHS[:2]
    lines = [TITLE, *unique, *(["Minh Anh"] if with_byline else [])]
    for kind in kinds:
        lines.extend(TAILS[kind])
    article = extract_plain_text("\n".join(lines))
    assert article.title == TITLE
    assert [b.text for b in article.blocks if b.kind == "body"] == unique


def test_an_author_credit_before_the_tail_stays_a_byline() -> None:
    article = extract_plain_text(paste("comments", byline="Tác giả: Minh Anh"))
    assert [(b.kind, b.text) for b in article.blocks][-2:] == [
        ("body", PARAGRAPHS[-1]),
        ("byline", "Tác giả: Minh Anh"),
    ]


def test_an_office_credit_before_the_tail_is_a_byline() -> None:
    article = extract_plain_text(paste("form", byline="Văn phòng UBND huyện"))
    assert article.blocks[-1].kind == "byline"
    assert article.blocks[-1].text == "Văn phòng UBND huyện"
