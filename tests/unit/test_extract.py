"""loa.text.extract on small Vietnamese pages and pasted texts written for these tests.

The pages imitate common templates (a newspaper with sapo, figure captions, related box and
author; a provincial portal with portlets, attachments and a footer; a photo story) but all
text is invented here.
"""

from __future__ import annotations

import pytest

from loa.errors import ExtractionError
from loa.text.extract import (
    decode_html,
    extract_document,
    extract_html,
    extract_plain_text,
    html_depth,
    looks_like_html,
)
from loa.text.model import ExtractedArticle

PARAGRAPHS = [
    "Sáng 12/3, Ủy ban nhân dân huyện Yên Bình tổ chức lễ khánh thành cây cầu mới bắc qua "
    "sông Chảy, nối hai xã Vĩnh Kiên và Yên Bình sau gần hai năm thi công.",
    "Cây cầu dài 320 m, rộng 12 m, có tổng mức đầu tư khoảng 180 tỷ đồng từ ngân sách tỉnh "
    "và nguồn vốn hỗ trợ của trung ương, được thiết kế cho xe tải trọng lớn.",
    "Ông Nguyễn Văn Hải, Chủ tịch UBND huyện, cho biết trước đây người dân phải đi đò hoặc "
    "vòng thêm gần 20 km để sang bờ bên kia, nhất là vào mùa mưa lũ.",
    "Theo kế hoạch, từ nay đến cuối năm huyện sẽ tiếp tục nâng cấp tuyến đường dẫn lên cầu "
    "và lắp đặt hệ thống chiếu sáng dọc hai bên đường.",
    "Người dân hai xã bày tỏ vui mừng vì việc đi lại, buôn bán nông sản và đưa đón con em đến "
    "trường từ nay sẽ thuận tiện và an toàn hơn rất nhiều.",
]
TITLE = "Khánh thành cầu mới nối hai xã bên sông Chảy"
SAPO = (
    "Sau gần hai năm thi công, cây cầu bắc qua sông Chảy đã hoàn thành, giúp hàng nghìn hộ "
    "dân không còn phải đi đò qua sông."
)
CAPTION = "Cây cầu mới nhìn từ bờ xã Vĩnh Kiên - Ảnh: THANH HÀ"

NEWSPAPER = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Tin Tức Tỉnh</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="Báo Tin Tức Tỉnh">
<meta name="description" content="{SAPO}">
<meta property="article:published_time" content="2024-03-12T10:05:00+07:00">
</head><body>
<header class="site-header"><ul class="menu"><li><a href="/">Trang chủ</a></li>
<li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li>
<li><a href="/xa-hoi">Xã hội</a></li><li><a href="/the-thao">Thể thao</a></li></ul></header>
<div class="main">
 <div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/xa-hoi">Xã hội</a></div>
 <article class="detail">
  <h1 class="detail-title">{TITLE}</h1>
  <div class="detail-time">Thứ ba, 12/03/2024 10:05 (GMT+7)</div>
  <div class="social-share"><a>Chia sẻ</a> <a>Facebook</a> <a>Zalo</a> <a>In bài</a></div>
  <h2 class="detail-sapo">{SAPO}</h2>
  <div class="detail-content">
   <p>{PARAGRAPHS[0]}</p>
   <figure class="image"><img src="/anh/cau.jpg" alt="cầu">
     <figcaption>{CAPTION}</figcaption></figure>
   <p>{PARAGRAPHS[1]}</p>
   <p>{PARAGRAPHS[2]}</p>
   <div class="box-relate" type="RelatedNewsBox"><span>TIN LIÊN QUAN</span>
     <ul><li><a href="/a">Khởi công cầu mới bắc qua sông Chảy ở huyện Yên Bình</a></li>
     <li><a href="/b">Người dân mong chờ cây cầu thay cho bến đò ngang</a></li></ul></div>
   <p>{PARAGRAPHS[3]}</p>
   <p>{PARAGRAPHS[4]}</p>
   <p class="author">THANH HÀ</p>
  </div>
  <div class="tags">Từ khóa: <a>cầu</a> <a>sông Chảy</a> <a>Yên Bình</a></div>
  <div class="comments"><h3>Bình luận (2)</h3><p>Bạn đọc A: Tuyệt vời quá, cảm ơn chính
   quyền đã quan tâm đến bà con vùng sâu vùng xa của huyện mình.</p></div>
 </article>
</div>
<footer><p>Báo Tin Tức Tỉnh - Giấy phép số 123/GP-BTTTT</p>
<p>© Bản quyền thuộc về Báo Tin Tức Tỉnh</p></footer>
</body></html>"""


def body_texts(article: ExtractedArticle) -> list[str]:
    """The body block texts."""
    return [b.text for b in article.blocks if b.kind == "body"]


def kinds(article: ExtractedArticle, kind: str) -> list[str]:
    """The texts of the blocks of one kind."""
    return [b.text for b in article.blocks if b.kind == kind]


# --- HTML: newspaper template ----------------------------------------------------------


def test_newspaper_page_title_lead_body_caption_byline():
    article = extract_html(NEWSPAPER.encode("utf-8"))
    assert article.title == TITLE
    body = body_texts(article)
    assert body == [SAPO, *PARAGRAPHS]
    assert kinds(article, "caption") == [CAPTION]
    assert kinds(article, "byline") == ["THANH HÀ"]
    assert article.published_at == "2024-03-12"


def test_newspaper_page_drops_chrome():
    text = extract_html(NEWSPAPER).to_text(captions=True)
    for chrome in (
        "Trang chủ",
        "Chia sẻ",
        "TIN LIÊN QUAN",
        "Khởi công cầu mới",
        "Từ khóa",
        "Bình luận",
        "Tuyệt vời",
        "Giấy phép",
        "Bản quyền",
        "GMT+7",
        "Thời sự",
    ):
        assert chrome not in text


def test_caption_kept_in_reading_order_and_out_of_to_text():
    article = extract_html(NEWSPAPER)
    order = [b.kind for b in article.blocks]
    assert order.index("caption") == 2  # after the lead and the first paragraph
    assert CAPTION not in article.to_text()
    assert CAPTION in article.to_text(captions=True)


def test_lead_taken_from_description_when_the_page_has_no_lead_element():
    page = NEWSPAPER.replace(f'<h2 class="detail-sapo">{SAPO}</h2>', "")
    article = extract_html(page)
    assert body_texts(article)[0] == SAPO


def test_description_that_repeats_a_paragraph_is_not_added():
    page = NEWSPAPER.replace(f'<h2 class="detail-sapo">{SAPO}</h2>', "").replace(
        f'content="{SAPO}"', f'content="{PARAGRAPHS[0]}"'
    )
    assert body_texts(extract_html(page)) == PARAGRAPHS


def test_text_is_nfc_and_hard_wrapped_source_lines_are_joined():
    nfd = "Ho\u0302\u0323i tha\u0309o"  # "Hội thảo" in NFD
    wrapped = PARAGRAPHS[0].replace(" cây cầu", "\n      cây cầu")
    page = NEWSPAPER.replace(TITLE, f"{nfd} {TITLE}").replace(PARAGRAPHS[0], wrapped)
    article = extract_html(page)
    assert article.title.startswith("Hội thảo")
    assert PARAGRAPHS[0] in body_texts(article)


# --- HTML: government portal ----------------------------------------------------------

PORTAL = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{TITLE} - Tin tức sự kiện - Cổng thông tin điện tử huyện Yên Bình</title></head>
<body><a href="#main" id="skip">Bỏ qua nội dung</a>
<div id="menu"><ul><li><a>Trang chủ</a></li><li><a>Giới thiệu</a></li>
<li><a>Tin tức sự kiện</a></li><li><a>Văn bản</a></li><li><a>Liên hệ</a></li></ul></div>
<div class="portlet-column-first">
 <div class="dd_path"><span><a href="/">Trang chủ</a></span><span>Tin tức sự kiện</span></div>
 <div class="news-detail">
  <div class="title-news">{TITLE}</div>
  <div class="publish">12/03/2024 | 09:15 AM</div>
  <div class="content-news">
   <p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>
   <p>{PARAGRAPHS[3]}</p>
  </div>
  <div class="attachments"><b>File đính kèm</b><ul><li>bao-cao.pdf <a>Tải về</a></li></ul></div>
  <p class="author">Văn phòng HĐND-UBND huyện</p>
 </div>
 <div class="other-news"><h3>Các tin khác</h3><ul><li><a>Hội nghị triển khai nhiệm vụ năm
   2024 của ngành giáo dục huyện</a></li><li><a>Ra quân làm sạch môi trường</a></li></ul></div>
</div>
<div class="portlet-column-last">
 <section class="portlet"><header><h1 class="portlet-title">giới thiệu</h1></header>
  <ul><li><a>Lịch sử hình thành</a></li><li><a>Cơ cấu tổ chức</a></li></ul></section>
 <section class="portlet"><header><h1 class="portlet-title">thăm dò ý kiến</h1></header>
  <p>Bạn thấy giao diện cổng thông tin mới thế nào?</p></section>
</div>
<div id="footer"><h3>CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN YÊN BÌNH</h3>
<p>Địa chỉ: Số 1 đường Trung tâm, thị trấn Yên Bình. Điện thoại: 0216 3888 888</p>
<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p></div>
</body></html>"""


def test_portal_title_is_the_article_headline_not_a_portlet_heading():
    article = extract_html(PORTAL)
    assert article.title == TITLE


def test_portal_body_without_attachments_breadcrumb_or_footer():
    article = extract_html(PORTAL)
    assert body_texts(article) == PARAGRAPHS[:4]
    text = article.to_text(captions=True)
    for chrome in (
        "File đính kèm",
        "Tải về",
        "Tin tức sự kiện",
        "Các tin khác",
        "12/03/2024",
        "giới thiệu",
        "Địa chỉ",
        "CỔNG THÔNG TIN",
        "Bỏ qua nội dung",
    ):
        assert chrome not in text


def test_title_from_document_title_minus_site_name():
    page = PORTAL.replace(f'<div class="title-news">{TITLE}</div>', "")
    assert extract_html(page).title == TITLE


def test_stray_paragraph_end_tags_break_lines_like_a_browser():
    page = NEWSPAPER.replace(
        f"<p>{PARAGRAPHS[1]}</p>",
        f"{TITLE}</p>\n   Nội dung:</p>\n   {PARAGRAPHS[1]}</p>",
    )
    body = body_texts(extract_html(page))
    assert "Nội dung:" in body and PARAGRAPHS[1] in body
    assert TITLE not in body  # a repeated headline is dropped


# --- HTML: photo story, widgets ----------------------------------------------------------


def test_photo_story_reads_captions_as_body():
    figures = "".join(
        f'<figure><img src="/{i}.jpg"><figcaption>{p}</figcaption></figure>'
        for i, p in enumerate(PARAGRAPHS)
    )
    page = (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
        f"<div class='content'>{figures}</div></article></body></html>"
    )
    article = extract_html(page)
    assert body_texts(article) == PARAGRAPHS
    assert kinds(article, "caption") == []


def test_widget_lines_and_date_lines_are_dropped():
    extra = (
        "<p>No video found</p><p>Chế độ ban đêm In trang Xuất PDF Đọc nội dung</p>"
        "<p>-A A +A</p><p>Cập nhật: 08:15 12/03/2024</p>"
    )
    page = NEWSPAPER.replace(f"<p>{PARAGRAPHS[0]}</p>", f"{extra}<p>{PARAGRAPHS[0]}</p>")
    assert body_texts(extract_html(page)) == [SAPO, *PARAGRAPHS]


def test_hidden_elements_are_not_read():
    page = NEWSPAPER.replace(
        f"<p>{PARAGRAPHS[4]}</p>",
        f"<p>{PARAGRAPHS[4]}</p><p style='display: none'>Nội dung ẩn dành cho máy tìm kiếm "
        "không được đọc lên cho người nghe trong bài viết này.</p>",
    )
    assert "Nội dung ẩn" not in extract_html(page).to_text()


# --- decoding ----------------------------------------------------------------------------


def test_windows_1258_page_is_decoded_and_composed():
    # "Hà Nội" in windows-1258: ô precomposed, dot below as a combining mark
    raw = (
        b"<html><head><meta charset='windows-1258'><title>H\xe0 N\xf4\xf2i</title></head>"
        b"<body><p>H\xe0 N\xf4\xf2i</p></body></html>"
    )
    text = decode_html(raw)
    assert "Hà Nội" in text
    assert "\u0323" not in text  # NFC: no combining dot below left


def test_undeclared_charset_falls_back_to_utf8_then_cp1258():
    assert "Hà Nội" in decode_html("<p>Hà Nội</p>".encode())
    assert "Hà Nội" in decode_html(b"<p>H\xe0 N\xf4\xf2i</p>")


def test_http_charset_wins_and_mislabelled_utf8_is_repaired():
    raw = "<html><head><meta charset='iso-8859-1'></head><body>Hà Nội</body></html>".encode()
    assert "Hà Nội" in decode_html(raw)
    assert "Hà Nội" in decode_html(b"<p>H\xe0 N\xf4\xf2i</p>", "windows-1258")


# --- limits --------------------------------------------------------------------------------


def test_oversized_page_is_refused_before_parsing():
    with pytest.raises(ExtractionError, match="1,000 bytes") as err:
        extract_html(NEWSPAPER, max_bytes=1000)
    assert err.value.field == "html"


def test_deeply_nested_page_is_refused_before_parsing():
    page = "<html><body>" + "<div>" * 300 + "<p>Sâu quá</p>" + "</div>" * 300 + "</body></html>"
    with pytest.raises(ExtractionError, match="nested more than 200") as err:
        extract_html(page)
    assert err.value.field == "html"


def test_depth_counts_like_a_browser():
    assert html_depth("<html><body><p>a<p>b<p>c</body></html>") == 3
    assert html_depth("<ul>" + "<li>x" * 500 + "</ul>") == 2
    assert html_depth("<div><br><img src=x><input/></div>") == 1
    assert html_depth("<script>" + "<div>" * 500 + "</script><p>x</p>") == 1
    assert html_depth("<!-- " + "<div>" * 500 + " --><p>x</p>") == 1


def test_page_without_text_is_an_error():
    with pytest.raises(ExtractionError, match="no article text"):
        extract_html("<html><head><title>Trống</title></head><body><div></div></body></html>")


# --- plain text ------------------------------------------------------------------------------

CLEAN_TEXT = "\n\n".join([TITLE, SAPO, *PARAGRAPHS])


def test_plain_text_without_chrome_comes_back_intact():
    article = extract_plain_text(CLEAN_TEXT)
    assert article.title == TITLE
    assert article.to_text() == "\n".join([TITLE, SAPO, *PARAGRAPHS])
    assert all(b.kind == "body" for b in article.blocks)


def test_plain_text_given_title_is_not_repeated():
    article = extract_plain_text(CLEAN_TEXT, title=TITLE)
    assert article.title == TITLE
    assert body_texts(article) == [SAPO, *PARAGRAPHS]
    other = extract_plain_text("\n".join(PARAGRAPHS), title="Tiêu đề riêng")
    assert other.title == "Tiêu đề riêng" and body_texts(other) == PARAGRAPHS


def test_plain_text_with_portal_chrome():
    dump = "\n".join(
        [
            "Skip to main content",
            "CHÀO MỪNG NĂM MỚI, CHÚC MỪNG ĐẤT NƯỚC PHÁT TRIỂN!",
            "Chế độ ban đêm In trang Xuất PDF Đọc nội dung",
            "-A A +A",
            "",
            TITLE,
            "",
            SAPO,
            "",
            PARAGRAPHS[0],
            "",
            r"Description: C:\Users\May Tinh\Desktop\IMG_2041.JPG",
            "Toàn cảnh cây cầu mới sau lễ khánh thành",
            "",
            PARAGRAPHS[1],
            "",
            "Description: C:\\Users\\May Tinh\\Desktop\\anh 2.jpg",
            "",
            PARAGRAPHS[2],
            "",
            "Trần Minh Đức",
        ]
    )
    article = extract_plain_text(dump)
    assert article.title == TITLE
    assert body_texts(article) == [SAPO, PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[2]]
    assert kinds(article, "caption") == ["Toàn cảnh cây cầu mới sau lễ khánh thành"]
    assert kinds(article, "byline") == ["Trần Minh Đức"]


def test_plain_text_copy_paste_with_menus_and_footer():
    menu = [
        "Trang chủ",
        "Thời sự",
        "Thế giới",
        "Kinh doanh",
        "Giải trí",
        "Thể thao",
        "Pháp luật",
        "Giáo dục",
        "Sức khỏe",
        "Đời sống",
        "Du lịch",
    ]
    dump = "\n\n".join(
        [
            "Đăng nhập",
            *menu,
            "Thời sự",
            TITLE,
            SAPO,
            PARAGRAPHS[0],
            f"{PARAGRAPHS[1][:-1]} (Ảnh: Minh Anh).",
            PARAGRAPHS[2],
            "Tin liên quan",
            *menu[1:6],
            "| Về đầu trang | Đăng nhập |",
            "BÁO TIN TỨC TỈNH",
            "Cơ quan chủ quản: Ủy ban nhân dân tỉnh",
            "Địa chỉ: 12 đường Lê Lợi; Điện thoại: 0216 3852 123",
            "© Bản quyền thuộc về Báo Tin Tức Tỉnh",
        ]
    )
    article = extract_plain_text(dump)
    assert article.title == TITLE
    assert body_texts(article) == [SAPO, PARAGRAPHS[0], PARAGRAPHS[2]]
    assert kinds(article, "caption") == [f"{PARAGRAPHS[1][:-1]} (Ảnh: Minh Anh)."]


def test_plain_text_joins_hard_wrapped_lines():
    wrapped = PARAGRAPHS[0][:70] + "\n" + PARAGRAPHS[0][70:]
    assert PARAGRAPHS[0][70] != " " and PARAGRAPHS[0][70].islower()
    article = extract_plain_text(f"{TITLE}\n\n{wrapped}")
    assert body_texts(article) == [PARAGRAPHS[0][:70] + " " + PARAGRAPHS[0][70:]]


def test_plain_text_flattened_dump_with_glued_caption_teaser_and_byline():
    teaser = " ".join(PARAGRAPHS[0].split()[:14]) + "..."
    flat = " ".join(PARAGRAPHS[:3])
    dump = "\n".join(
        [
            TITLE,
            teaser,
            f"Cây cầu mới bắc qua sông Chảy nhìn từ trên cao  {flat} Minh Hà (T/h)",
        ]
    )
    article = extract_plain_text(dump)
    assert article.title == TITLE
    assert body_texts(article) == [flat]
    assert kinds(article, "caption") == ["Cây cầu mới bắc qua sông Chảy nhìn từ trên cao"]
    assert kinds(article, "byline") == ["Minh Hà (T/h)"]


def test_plain_text_credit_lines_become_captions():
    text = "\n".join(
        [TITLE, PARAGRAPHS[0], "Ảnh minh họa", PARAGRAPHS[1], "(Ảnh: Lê Hoàng)", PARAGRAPHS[2]]
    )
    article = extract_plain_text(text)
    assert kinds(article, "caption") == ["Ảnh minh họa", "(Ảnh: Lê Hoàng)"]
    assert body_texts(article) == PARAGRAPHS[:3]


def test_sentences_starting_with_photo_words_stay_body():
    line = "Hình thức xử phạt sẽ được công bố sau khi cơ quan chức năng hoàn tất việc kiểm tra."
    other = "Ảnh hưởng của cơn bão số 3 khiến nhiều tuyến đường ở vùng núi bị sạt lở nghiêm trọng."
    article = extract_plain_text("\n".join([TITLE, line, other]))
    assert body_texts(article) == [line, other]


def test_empty_plain_text_is_an_error():
    with pytest.raises(ExtractionError) as err:
        extract_plain_text("\n\nSkip to main content\n-A A +A\n")
    assert err.value.field == "text"


# --- dispatch ------------------------------------------------------------------------------


def test_extract_document_sniffs_html_and_text():
    assert looks_like_html(NEWSPAPER.encode())
    assert looks_like_html("\ufeff  <!doctype html><html></html>")
    assert not looks_like_html(CLEAN_TEXT)
    assert not looks_like_html("Giá vàng <tăng> mạnh, lên 80 triệu đồng/lượng")
    assert extract_document(NEWSPAPER.encode()).title == TITLE
    assert extract_document(CLEAN_TEXT.encode("utf-8")).title == TITLE
    assert extract_document(CLEAN_TEXT).to_text() == "\n".join([TITLE, SAPO, *PARAGRAPHS])


def test_extract_document_with_title_for_html():
    article = extract_document(NEWSPAPER, title="Tiêu đề do người dùng đặt")
    assert article.title == "Tiêu đề do người dùng đặt"
    assert body_texts(article)[0] == SAPO


# --- HTML: layout tables, inline related boxes --------------------------------------------

TABLE_PORTAL = f"""<html><head><meta charset="utf-8"><title>Sở Giao thông Vận tải tỉnh</title>
</head><body><table width="100%"><tr><td class="menu"><a>Trang chủ</a> | <a>Giới thiệu</a> |
<a>Tin tức</a> | <a>Văn bản</a></td></tr><tr><td width="70%" valign="top">
<span class="tieude">{TITLE}</span><br>
<i>Ngày đăng: 12/03/2024 | Lượt xem: 345</i><br><br>
<font face="Arial">{PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<br><br>{PARAGRAPHS[2]}</font><br><br>
<b>Tài liệu đính kèm:</b> <a href="qd.pdf">QD-123.pdf</a><br>
<a>In trang</a> | <a>Gửi email</a> | <a>Về đầu trang</a></td>
<td width="30%" valign="top"><b>Liên kết website</b><br><a>Bộ Giao thông Vận tải</a><br>
<a>UBND tỉnh</a><br><b>Thống kê truy cập</b><br>Đang online: 12</td></tr></table>
<center>Bản quyền thuộc Sở Giao thông Vận tải tỉnh. Địa chỉ: 1 Trần Hưng Đạo</center>
</body></html>"""


def test_layout_table_page_with_title_class_and_br_paragraphs():
    article = extract_html(TABLE_PORTAL)
    assert article.title == TITLE  # the <title> is only the site's name
    assert body_texts(article) == PARAGRAPHS[:3]


def test_inline_related_box_with_its_own_sapo_is_removed():
    box = (
        '<div class="VCSortableInPreviewMode" type="RelatedOneNews"><a href="/k">Xã bên cạnh '
        'cũng khởi công cầu mới</a><p class="box-sapo">Xã Vĩnh Kiên vừa khởi công cây cầu thứ '
        "hai bắc qua sông Chảy với tổng vốn đầu tư hơn 50 tỷ đồng.</p></div>"
    )
    page = NEWSPAPER.replace(f"<p>{PARAGRAPHS[3]}</p>", f"{box}<p>{PARAGRAPHS[3]}</p>")
    assert body_texts(extract_html(page)) == [SAPO, *PARAGRAPHS]


def test_plausible_titles():
    from loa.text.extract import is_plausible_title

    assert is_plausible_title("iPhone 15 ra mắt tại Việt Nam")
    assert is_plausible_title(TITLE)
    for heading in ("giới thiệu", "quy hoạch - kế hoạch", "Tin tức", "Trang chủ", "video", ""):
        assert not is_plausible_title(heading)


def test_site_description_is_not_taken_for_a_lead():
    site = (
        "Cổng thông tin điện tử Ủy ban nhân dân huyện Yên Bình, cầu nối giữa chính quyền "
        "và người dân."
    )
    page = PORTAL.replace("<title>", f'<meta name="description" content="{site}"><title>')
    assert body_texts(extract_html(page)) == PARAGRAPHS[:4]
