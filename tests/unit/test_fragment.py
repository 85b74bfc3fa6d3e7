"""CMS fragments (HTML without a page around it) keep every block in order, captions as
captions; whole pages still go through trafilatura."""

from __future__ import annotations

import pytest

from loa.text.extract import extract_document, extract_html
from loa.text.fragment import is_fragment

P1 = (
    "Trung tâm Dự báo khí tượng thủy văn quốc gia cho biết áp thấp nhiệt đới đang di chuyển "
    "theo hướng tây với tốc độ khoảng 15 km mỗi giờ."
)
P2 = (
    "Ủy ban nhân dân tỉnh yêu cầu các địa phương ven biển kiểm đếm tàu thuyền và hướng dẫn "
    "người dân vào nơi tránh trú an toàn trước chiều mai."
)
ITEMS = [
    "Ngày 12/9: gió mạnh cấp 7, giật cấp 9.",
    "Ngày 13/9: mưa to ở ven biển",
    "Ngày 14/9: áp thấp suy yếu",
]
TITLE = "Áp thấp nhiệt đới gây mưa lớn ở các tỉnh miền Trung"


def fragment() -> str:
    items = "".join(f"<li>{i}</li>" for i in ITEMS)
    return (
        f"<h1>{TITLE}</h1><p>{P1}</p><h2>Dự báo những ngày tới</h2><ul>{items}</ul>"
        '<figure><img src="a.jpg"><figcaption>Mây áp thấp nhìn từ vệ tinh</figcaption></figure>'
        f"<h3>Ứng phó</h3><p>{P2.replace('tàu thuyền', '<a href=x>tàu <b>thuyền</b></a>')}</p>"
        "<blockquote><p>Không để ai ở lại trên lồng bè khi áp thấp đổ bộ.</p></blockquote>"
        "<table><tr><th>Tỉnh</th><th>Số tàu</th></tr><tr><td>Quảng Bình</td><td>1.200</td></tr>"
        "</table>"
    )


def test_every_block_in_order_captions_as_captions() -> None:
    article = extract_html(fragment())
    assert article.title == TITLE
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("body", P1),
        ("body", "Dự báo những ngày tới"),
        *[("body", i) for i in ITEMS],
        ("caption", "Mây áp thấp nhìn từ vệ tinh"),
        ("body", "Ứng phó"),
        ("body", P2),
        ("body", "Không để ai ở lại trên lồng bè khi áp thấp đổ bộ."),
        ("body", "Tỉnh, Số tàu"),
        ("body", "Quảng Bình, 1.200"),
    ]


def test_fragment_without_h1_has_no_title_and_loses_nothing() -> None:
    html = f"<p>{P1}</p><h2>Dự báo</h2><ol><li>{ITEMS[0]}</li><li>{ITEMS[1]}</li></ol><p>{P2}</p>"
    article = extract_document(html)
    assert article.title == ""
    assert [b.text for b in article.blocks] == [P1, "Dự báo", ITEMS[0], ITEMS[1], P2]


def test_given_title_replaces_the_fragment_heading() -> None:
    article = extract_document(fragment(), title=TITLE)
    assert article.title == TITLE
    assert article.blocks[0].text == P1


def test_line_breaks_split_and_bylines_end() -> None:
    html = f"<p>{P1}<br>{P2}</p><p><strong>Minh Châu</strong></p>"
    article = extract_html(html)
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("body", P1),
        ("body", P2),
        ("byline", "Minh Châu"),
    ]


def test_chrome_and_scripts_inside_a_fragment_are_dropped() -> None:
    html = (
        f'<p>{P1}</p><script>var x = "Mã độc";</script><div class="share-buttons">'
        '<a href="#">Facebook</a> <a href="#">Zalo</a></div><form><input value="Gửi"></form>'
        f"<p>{P2}</p>"
    )
    assert [b.text for b in extract_html(html).blocks] == [P1, P2]


def test_layout_table_read_cell_by_cell() -> None:
    html = f"<table><tr><td><p>{P1}</p><p>{P2}</p></td></tr></table>"
    assert [b.text for b in extract_html(html).blocks] == [P1, P2]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>A</h1><p>b</p>", True),
        ("<!-- wp:paragraph --><p>b</p>", True),
        ("<html><body><p>b</p></body></html>", False),
        ("<!DOCTYPE html><p>b</p>", False),
        ("<head><title>x</title></head><p>b</p>", False),
    ],
)
def test_is_fragment(html: str, expected: bool) -> None:
    assert is_fragment(html) is expected


def test_a_whole_page_is_not_read_as_a_fragment() -> None:
    page = (
        "<html><head><title>Trang</title></head><body><nav><a href='/'>Trang chủ</a>"
        f"<a href='/a'>Thời sự</a></nav><article><h1>{TITLE}</h1><p>{P1}</p><p>{P2}</p>"
        "</article></body></html>"
    )
    article = extract_html(page)
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == [P1, P2]


def test_styled_paragraph_after_an_image_is_its_caption() -> None:
    html = (
        f'<p>{P1}</p><p style="text-align: center;"><img src="a.jpg"></p>'
        "<p><em>Mây áp thấp nhìn từ vệ tinh</em></p>"
        f'<p><img src="b.jpg"></p><p>{P2}</p>'
    )
    assert [(b.kind, b.text) for b in extract_html(html).blocks] == [
        ("body", P1),
        ("caption", "Mây áp thấp nhìn từ vệ tinh"),
        ("body", P2),
    ]


def test_classic_editor_text_shortcodes_and_blank_lines() -> None:
    html = (
        f"<h2>Dự báo</h2>\n{P1}\n\n"
        '[caption id="attachment_5" align="aligncenter" width="600"]<a href="x">'
        '<img src="a.jpg"></a> Mây áp thấp nhìn từ vệ tinh[/caption]\n\n'
        f"{P2}\n[embed]https://video.example/x[/embed]\n<ul><li>{ITEMS[0]}</li></ul>"
    )
    assert [(b.kind, b.text) for b in extract_html(html).blocks] == [
        ("body", "Dự báo"),
        ("body", P1),
        ("caption", "Mây áp thấp nhìn từ vệ tinh"),
        ("body", P2),
        ("body", ITEMS[0]),
    ]


def test_fragment_wrapped_in_a_bare_page_is_read_as_a_fragment() -> None:
    page = f"<html><head><title>{TITLE}</title></head><body>{fragment()}</body></html>"
    article = extract_html(page)
    assert article.title == TITLE
    assert [b.text for b in article.blocks] == [b.text for b in extract_html(fragment()).blocks]


@pytest.mark.parametrize(
    "figure",
    [
        '<p><img src="a.jpg"><br><em>Mây áp thấp nhìn từ vệ tinh</em></p>',
        '<table class="tplCaption"><tr><td><img src="a.jpg"></td></tr>'
        '<tr><td><p class="Image">Mây áp thấp nhìn từ vệ tinh</p></td></tr></table>',
        '<div class="image"><img src="a.jpg"></div><div style="text-align:center">'
        "Mây áp thấp nhìn từ vệ tinh</div>",
    ],
)
def test_editor_captions_without_a_caption_element(figure: str) -> None:
    article = extract_html(f"<p>{P1}</p>{figure}<p>{P2}</p>")
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("body", P1),
        ("caption", "Mây áp thấp nhìn từ vệ tinh"),
        ("body", P2),
    ]
