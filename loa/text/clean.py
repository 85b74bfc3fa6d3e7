"""Vietnamese page-chrome clean-up shared by the HTML and the plain-text extractors.

Both extractors reduce their input to a list of :class:`Line` (one paragraph-level unit each,
with a ``hint`` saying what the source thinks it is) and hand it to :func:`clean_lines`, which

1. drops chrome lines anywhere (reader widgets, share/print bars, "Tin liên quan", date lines,
   image file names...), leaving a *boundary* where they stood, since chrome separates page
   regions;
2. turns photo credits and the short line after an image marker into captions;
3. cuts the menu/banner region in front of the headline and the menu/footer region after the
   last real paragraph, keeping the author line(s) there as bylines;
4. removes repetitions of the title and truncated teasers repeated in full later.

The patterns are data (module-level tables and compiled regexes); the functions below only
apply them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from loa.text.model import Block

LineHint = Literal["text", "heading", "item", "cell", "quote", "caption", "byline", "boundary"]


@dataclass(frozen=True)
class Line:
    """One paragraph-level piece of text on its way to becoming a :class:`Block`.

    ``hint`` is what the source says the piece is (an HTML heading, list item, table row, a
    caption element...); ``boundary`` marks where dropped chrome stood.
    """

    text: str
    hint: LineHint = "text"


# --------------------------------------------------------------------------------------------
# Data: chrome, captions, bylines, footers
# --------------------------------------------------------------------------------------------

#: Phrases that make up reader widgets, share bars, menus and "related" headings. A line made
#: only of these (and separators / counters) is chrome wherever it stands.
CHROME_PHRASES: tuple[str, ...] = (
    # skip links
    "skip to main content",
    "skip to content",
    "skip to navigation",
    "skip navigation",
    "truy cập nội dung luôn",
    "chuyển đến nội dung chính",
    "bỏ qua nội dung",
    "đi tới nội dung",
    # reader tools
    "chế độ ban đêm",
    "chế độ ban ngày",
    "chế độ đọc",
    "in trang",
    "in bài viết",
    "in bài",
    "bản in",
    "xuất pdf",
    "tải pdf",
    "đọc nội dung",
    "nghe đọc bài",
    "nghe bài viết",
    "nghe đọc",
    "nghe bài",
    "đọc bài viết",
    "cỡ chữ",
    "font chữ",
    "phóng to",
    "thu nhỏ",
    "mặc định",
    "print",
    "gửi email",
    "gửi e-mail",
    "send email",
    "send to friend",
    "gửi cho bạn bè",
    "gửi bài viết",
    "gửi tin",
    "email",
    "e-mail",
    # share / save
    "sao chép liên kết",
    "sao chép link",
    "copy link",
    "copy",
    "chia sẻ bài viết",
    "chia sẻ",
    "share",
    "facebook",
    "twitter",
    "zalo",
    "linkedin",
    "pinterest",
    "messenger",
    "tweet",
    "like",
    "lưu bài viết",
    "lưu bài",
    "lưu tin",
    "đã lưu",
    "lưu",
    "theo dõi",
    "follow",
    "google news",
    "báo lỗi",
    "góp ý",
    "phản hồi",
    "bookmark",
    "rss",
    # comments
    "bình luận",
    "ý kiến bạn đọc",
    "ý kiến của bạn",
    "gửi bình luận",
    "gửi ý kiến",
    "viết bình luận",
    "xem bình luận",
    "comments",
    "comment",
    "ý kiến",
    # page navigation
    "quay lại",
    "trở về",
    "trở lại",
    "về đầu trang",
    "lên đầu trang",
    "đầu trang",
    "back to top",
    "top",
    "đăng nhập",
    "đăng ký",
    "đăng xuất",
    "tìm kiếm",
    "search",
    "menu",
    "trang chủ",
    "trang nhất",
    "home",
    "trang trước",
    "trang sau",
    "trang tiếp",
    # related / more
    "tin liên quan",
    "bài liên quan",
    "bài viết liên quan",
    "tin cùng chuyên mục",
    "tin cùng chủ đề",
    "tin bài khác",
    "các tin bài khác",
    "các tin khác",
    "tin khác",
    "bài viết khác",
    "các bài viết khác",
    "các tin đã đưa",
    "tin đã đưa",
    "other news",
    "related news",
    "related articles",
    "read more",
    "xem thêm",
    "đọc thêm",
    "xem tiếp",
    "đọc tiếp",
    "xem chi tiết",
    "tin mới nhất",
    "tin mới",
    "tin nổi bật",
    "tin đọc nhiều",
    "đọc nhiều nhất",
    "đọc nhiều",
    "xem nhiều nhất",
    "xem nhiều",
    "tin xem nhiều",
    "dòng sự kiện",
    "tags",
    "tag",
    "từ khóa",
    "từ khoá",
    # attachments / media widgets
    "file đính kèm",
    "tệp đính kèm",
    "tài liệu đính kèm",
    "văn bản đính kèm",
    "đính kèm",
    "tải về",
    "tải xuống",
    "tải file",
    "download",
    "no video found",
    "loading",
    "đang tải",
    "quảng cáo",
    "advertisement",
    "bình chọn",
    "thăm dò ý kiến",
    "kết quả bình chọn",
    "vote",
    "liên kết website",
    "liên kết web",
    "thông tin thời tiết",
    "thời tiết",
    "lượt xem",
    "số lượt xem",
    "lượt đọc",
    "lượt truy cập",
    "views",
)

#: Menu, section and portlet labels of Vietnamese news sites and government portals. A line
#: that is one of these (case and punctuation aside) is chrome outside the article body
#: (menus, breadcrumbs, sidebar headings), and such a label is never taken as a title.
NAV_TERMS: tuple[str, ...] = (
    "trang chủ",
    "trang nhất",
    "home",
    "tin tức",
    "tin tức sự kiện",
    "tin tức - sự kiện",
    "tin nổi bật",
    "tin mới",
    "tin mới nhất",
    "tin tổng hợp",
    "tin trong nước",
    "tin quốc tế",
    "tin địa phương",
    "tin hoạt động",
    "tin bài",
    "bản tin",
    "chi tiết tin",
    "chi tiết",
    "thời sự",
    "chính trị",
    "xã hội",
    "thế giới",
    "quốc tế",
    "kinh tế",
    "kinh doanh",
    "tài chính",
    "chứng khoán",
    "doanh nghiệp",
    "bất động sản",
    "nhà đất",
    "thị trường",
    "tiêu dùng",
    "pháp luật",
    "an ninh",
    "an ninh trật tự",
    "quân sự",
    "quốc phòng",
    "giáo dục",
    "tuyển sinh",
    "du học",
    "sức khỏe",
    "sức khoẻ",
    "y tế",
    "đời sống",
    "gia đình",
    "văn hóa",
    "văn hoá",
    "giải trí",
    "thể thao",
    "bóng đá",
    "du lịch",
    "khoa học",
    "công nghệ",
    "khoa học - công nghệ",
    "khoa học công nghệ",
    "số hóa",
    "số hoá",
    "xe",
    "ô tô",
    "xe máy",
    "môi trường",
    "giao thông",
    "việc làm",
    "nhịp sống",
    "giới trẻ",
    "bạn đọc",
    "ý kiến",
    "góc nhìn",
    "tâm sự",
    "podcast",
    "podcasts",
    "video",
    "videos",
    "ảnh",
    "hình ảnh",
    "multimedia",
    "emagazine",
    "e-magazine",
    "infographic",
    "infographics",
    "tiện ích",
    "liên hệ",
    "giới thiệu",
    "cơ cấu tổ chức",
    "chức năng nhiệm vụ",
    "chức năng, nhiệm vụ",
    "lãnh đạo",
    "lãnh đạo sở",
    "phòng ban chuyên môn",
    "đơn vị trực thuộc",
    "đơn vị sự nghiệp",
    "hỏi đáp",
    "sơ đồ cổng",
    "sơ đồ trang",
    "sơ đồ website",
    "sitemap",
    "văn bản",
    "văn bản pháp quy",
    "văn bản quy phạm pháp luật",
    "văn bản chỉ đạo điều hành",
    "thủ tục hành chính",
    "dịch vụ công",
    "dịch vụ công trực tuyến",
    "công khai ngân sách",
    "thông báo",
    "lịch công tác",
    "thanh tra",
    "tuyển dụng",
    "english",
    "tiếng việt",
    "tìm kiếm",
    "đăng nhập",
    "đăng ký",
)

#: Headings that label a box of page chrome (related links, polls, comments, attachments...).
WIDGET_LABELS: frozenset[str] = frozenset(
    {
        "tin liên quan",
        "bài liên quan",
        "bài viết liên quan",
        "tin cùng chuyên mục",
        "tin cùng chủ đề",
        "tin khác",
        "các tin khác",
        "tin bài khác",
        "các tin bài khác",
        "bài viết khác",
        "các bài viết khác",
        "tin đã đưa",
        "các tin đã đưa",
        "other news",
        "related news",
        "related articles",
        "tin mới",
        "tin mới nhất",
        "tin nổi bật",
        "tin đọc nhiều",
        "đọc nhiều",
        "đọc nhiều nhất",
        "xem nhiều",
        "xem nhiều nhất",
        "tin xem nhiều",
        "dòng sự kiện",
        "bình luận",
        "ý kiến bạn đọc",
        "gửi bình luận",
        "thăm dò ý kiến",
        "bình chọn",
        "kết quả bình chọn",
        "file đính kèm",
        "tệp đính kèm",
        "tài liệu đính kèm",
        "văn bản đính kèm",
        "liên kết website",
        "liên kết web",
        "thông tin thời tiết",
        "thời tiết",
        "tags",
        "từ khóa",
        "từ khoá",
        "video",
        "videos",
        "chia sẻ",
        "có thể bạn quan tâm",
        "đừng bỏ lỡ",
        "tin tiêu điểm",
        "đọc thêm",
        "xem thêm",
    }
)
#: Font-size widgets: "-A A +A", "A- A A+", "A A A".
FONT_WIDGET_RE = re.compile(r"^(?:[-+]?\s*A\s*[-+]?\s*){2,4}$")
#: Breadcrumb that starts at the home page: "Trang chủ > Thời sự > Chính trị".
BREADCRUMB_RE = re.compile(r"^(?:home|trang chủ|trang nhất)\s*[>»›/|\\-]", re.IGNORECASE)
#: A tag or keyword list.
TAG_LIST_RE = re.compile(r"^(?:tags?|từ kh[oó]a|keywords?)\s*:", re.IGNORECASE)
#: A "read more" link line: "Xem thêm: ...", ">> Đọc thêm ...", "Tin liên quan: ...".
READ_MORE_RE = re.compile(
    r"^(?:>>|»|►|▶)|^(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|mời xem|"
    r"mời đọc|video)\s*(?::|>>|»)",
    re.IGNORECASE,
)
#: Attachment lines: "File đính kèm: QD-123.pdf", "bao-cao.docx".
ATTACHMENT_RE = re.compile(
    r"^(?:file|tệp|tài liệu|văn bản)\s+đính kèm\s*:|^\S+\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z)$",
    re.IGNORECASE,
)
#: A pipe-separated navigation line: "| Về đầu trang | Đăng nhập |".
PIPE_NAV_RE = re.compile(r"^\|?(?:\s*[^|]{1,30}\s*\|){2,}\s*[^|]{0,30}$")

_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7])"
_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?"
_TIME = r"\d{1,2}\s*(?::|h|giờ)\s*\d{0,2}(?::\d{2})?(?:\s*(?:am|pm|sa|ch))?"
_DATE_LABEL = (
    r"(?:cập nhật(?: lúc| ngày)?|ngày cập nhật|đăng lúc|đăng ngày|ngày đăng|ngày xuất bản"
    r"|xuất bản|thời gian|lúc|ngày|tháng|năm|posted|updated|published|gmt\s*[+-]\s*\d+"
    r"|utc\s*[+-]?\s*\d*|ict)"
)
#: A line made only of dates, times, weekdays and their labels ("Thứ năm, 2/11/2023, 19:20
#: (GMT+7)", "21/12/2012 | 12:00 AM", "Cập nhật: 08:15 ngày 3/4/2024").
_DATE_TOKEN_RE = re.compile(
    rf"{_WEEKDAY}|{_DATE}|{_TIME}|{_DATE_LABEL}|\d{{4}}|\d{{1,2}}", re.IGNORECASE
)
#: What makes a run of numbers a time stamp: a clock time, a full date, a weekday, a time zone
#: or a posting label.
_STAMP_RE = re.compile(
    rf"{_WEEKDAY}|\d{{1,2}}\s*:\s*\d{{2}}|\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*\d{{2,4}}"
    r"|\d{4}-\d{2}-\d{2}|gmt|utc|cập nhật|đăng lúc|đăng ngày|ngày đăng|posted|updated"
    r"|published",
    re.IGNORECASE,
)
#: "9 giờ trước", "5 phút trước", "hôm qua".
RELATIVE_TIME_RE = re.compile(
    r"^(?:\d+\s*(?:giây|phút|giờ|ngày|tuần|tháng|năm)\s*trước|hôm qua|hôm nay|vừa xong)$",
    re.IGNORECASE,
)

_IMAGE_EXT = r"(?:jpe?g|png|gif|webp|bmp|tiff?|svg|heic)"
#: Image markers left by copy-paste: file paths ("Description: C:\...\IMG_4774.JPG"),
#: bare file names and placeholders such as "[Hình ảnh]".
IMAGE_MARKER_RES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^(?:[^\s:]{{1,20}}\s*:\s*)?\S.{{0,200}}\.{_IMAGE_EXT}(?:\?\S*)?$", re.I),
    re.compile(r"^[\[(]?\s*(?:image|img|picture|photo|hình ảnh|hình|ảnh)\s*\d*\s*[\])]?$", re.I),
)

#: Photo credits and "illustration" notes; a short line carrying one is a caption.
_PHOTO = r"(?:ảnh|hình|hình ảnh|nguồn ảnh|ảnh chụp màn hình|đồ họa|đồ hoạ|photo|infographic)"
_ILLUSTRATION = r"minh\s*h(?:ọa|oạ)"
CAPTION_CREDIT_RES: tuple[re.Pattern[str], ...] = (
    # the whole line is a credit: "Ảnh: Tiến Tuấn", "Nguồn ảnh: Reuters", "(Ảnh minh họa)"
    re.compile(rf"^\(?\s*{_PHOTO}\s+{_ILLUSTRATION}\s*(?::[^.!?()]{{0,60}})?\)?\.?$", re.I),
    re.compile(rf"^\(?\s*(?:{_PHOTO}|video|clip)\s*:\s*[^.!?:()]{{1,60}}\)?\.?$", re.I),
    # ends with a credit in brackets: "... động thổ dự án (Ảnh: Tâm Linh)."
    re.compile(rf"\(\s*{_PHOTO}\s*(?::[^()]{{1,60}}|{_ILLUSTRATION}[^()]{{0,40}})\)\s*\.?$", re.I),
    # ends with a credit after a full stop or a dash: "Ông X, Bộ trưởng. Ảnh: Hoàng Phong",
    # "HLV trưởng - Ảnh: NAM LÊ"
    re.compile(rf"(?:[.!?…]|\s[-–—|])\s*(?:{_PHOTO}|video)\s*:\s*[^.!?:]{{1,50}}$", re.I),
)

#: Byline prefixes: "Theo Forbes", "Nguồn: TTXVN", "Bài và ảnh: Minh Anh", "PV".
BYLINE_PREFIX_RE = re.compile(
    r"^(?:\(?theo\s|nguồn\s*:|nguồn tin\s*:|tác giả\s*:|bài\s*(?:và|,|/|&)?\s*ảnh\s*:|"
    r"ảnh\s*(?:và|,|/|&)\s*bài\s*:|bài\s*:|thực hiện\s*:|nhóm phóng viên|nhóm pv\b|"
    r"phóng viên\b|pv\b|ctv\b|btv\b)",
    re.IGNORECASE,
)
#: A trailing note after a name: "(T/h)", "(tổng hợp)", "(theo VnExpress)".
BYLINE_SUFFIX_RE = re.compile(
    r"\s*[(\[](?:t/h|th|tổng hợp|tổng hợp|theo [^)\]]{1,30}|lược dịch|dịch|ctv|pv)[)\]]\.?$",
    re.IGNORECASE,
)
#: One word of a name: "Nguyễn", "L.C", "T.Hùng", "Jean-Pierre", "VnEconomy" (letters only).
NAME_TOKEN_RE = re.compile(r"^(?:[^\W\d_]\.){0,3}[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*\.?$")

#: Footer lines that only a page footer has (copyright, licence, portal name).
STRONG_FOOTER_RE = re.compile(
    r"[©®]|\bcopyright\b|all rights reserved"
    r"|^(?:bản quyền|giấy phép|gpxb|chịu trách nhiệm|tổng biên tập|phó tổng biên tập"
    r"|cơ quan chủ quản|ghi rõ nguồn|cổng thông tin điện tử|trang thông tin điện tử"
    r"|báo điện tử|thiết kế bởi|phát triển bởi|designed by|powered by)\b",
    re.IGNORECASE,
)
#: Contact fields, which footers list (and articles sometimes quote).
CONTACT_RE = re.compile(
    r"(?:^|[\s;,.(-])(?:địa chỉ|trụ sở|điện thoại|đt|tel|fax|e-?mail|hotline"
    r"|đường dây nóng|website)\s*:",
    re.IGNORECASE,
)
FOOTER_MAX_WORDS = 60
#: Capitalised function words that only start a sentence; after a lower-case word they show
#: where a caption glued into flattened text ends ("... tiền nhiệm Về nội thất, xe ...").
SENTENCE_OPENERS = frozenset(
    "về theo trong tuy ngoài với khi sau trước đây đó các những mỗi mọi hiện cũng tại do vì "
    "nếu để còn nhưng bên dù cùng từ riêng cụ song mặc đặc bởi như điều tôi chúng họ nhiều "
    "không chưa đã đang sẽ vẫn gần khoảng ở".split()
)
#: Words a caption does not end with (a sentence cut there goes on).
FUNCTION_WORDS = frozenset(
    "của và với cho từ tại ở trong là có được bởi về theo như các những một này đó khi để "
    "thì mà nhưng hoặc hay sẽ đã đang bị rằng nên vì do".split()
)
GLUED_MIN_LINE_WORDS = 40  # openers are only trusted inside flattened, paragraph-long lines
#: List markers that make a short line a list item rather than a menu entry.
LIST_MARKER_RE = re.compile(r"^(?:[-–—•*+·]|\d{1,3}[.)]|[a-zđ][.)]|[ivxIVX]{1,4}[.)])\s")

_TERMINAL_RE = re.compile(r"[.!?…][\"”’')\]]*$")
_SENTENCE_END_RE = re.compile(r"[.!?…:;][\"”’')\]]*$")
_WORD_RE = re.compile(r"\w+")
_SEPARATORS_RE = re.compile(r"[\s|•·/\\\-–—>»›:,;()\[\]{}.!?…*+=#\d]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACE_RE = re.compile(r"\s+")

# Sizes (in words) that the heuristics below rest on.
SUBSTANTIAL_MIN_WORDS = 8  # a paragraph with a sentence end and at least this many words
SUBSTANTIAL_ANY_WORDS = 20  # ...or this many words, punctuation or not
NAV_MAX_WORDS = 6  # a menu entry is at most this long
CAPTION_MAX_WORDS = 60  # a caption with a photo credit is at most this long
IMAGE_CAPTION_MAX_WORDS = 35  # the line after an image marker is a caption up to this long
BYLINE_MAX_WORDS = 8
HEAD_MAX_LINES = 4  # lines above the first paragraph that can belong to the article head
LINK_TITLE_MAX_WORDS = 25  # a related-article title listed under "Tin liên quan"


# --------------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """NFC, drop invisible characters, turn every run of white space into one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE_RE.sub(" ", text).strip()


def fold(text: str) -> str:
    """A comparison key: NFC, lower-case, words only, single spaces."""
    return " ".join(_WORD_RE.findall(unicodedata.normalize("NFC", text).casefold()))


def word_count(text: str) -> int:
    """Number of ``\\w+`` tokens (the unit the corpus scorer counts)."""
    return len(_WORD_RE.findall(text))


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (., !, ?, … possibly followed by a quote)."""
    return bool(_TERMINAL_RE.search(text.rstrip()))


def is_substantial(text: str) -> bool:
    """A real paragraph: a sentence of some length, or a long run of words."""
    n = word_count(text)
    return n >= SUBSTANTIAL_ANY_WORDS or (n >= SUBSTANTIAL_MIN_WORDS and ends_sentence(text))


def is_all_caps(text: str) -> bool:
    """True when the text has at least 4 letters and none of them is lower-case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters)


def is_list_item(text: str) -> bool:
    """True for a line that starts with a list marker (dash, bullet, "1.", "a)")."""
    return bool(LIST_MARKER_RE.match(text))


def is_nav_like(text: str) -> bool:
    """A menu-entry-like line: a few words, no sentence punctuation, no list marker."""
    return (
        0 < word_count(text) <= NAV_MAX_WORDS
        and not _SENTENCE_END_RE.search(text)
        and not is_list_item(text)
    )


@cache
def nav_terms() -> frozenset[str]:
    """Section and menu labels of Vietnamese sites (:data:`NAV_TERMS`), folded."""
    return frozenset(fold(term) for term in NAV_TERMS)


def is_nav_term(text: str) -> bool:
    """True when the whole line is a known menu/section label."""
    return fold(text) in nav_terms()


# --------------------------------------------------------------------------------------------
# Line predicates
# --------------------------------------------------------------------------------------------


@cache
def _chrome_phrase_re() -> re.Pattern[str]:
    """One alternation of all chrome phrases, longest first, on word boundaries."""
    phrases = sorted({p.casefold() for p in CHROME_PHRASES}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")


def is_widget_line(text: str) -> bool:
    """A line made only of chrome phrases, separators, counters and time stamps ("Chia sẻ |
    In bài", "Bình luận (12)", "Chế độ ban đêm In trang Xuất PDF Đọc nội dung", "Ngày đăng:
    12/03/2024 | Lượt xem: 345")."""
    folded = unicodedata.normalize("NFC", text).casefold()
    rest, found = _chrome_phrase_re().subn(" ", folded)
    if not found:
        return False
    return not _SEPARATORS_RE.sub("", rest) or is_date_line(rest)


@cache
def _widget_labels() -> frozenset[str]:
    """The widget labels, folded."""
    return frozenset(fold(w) for w in WIDGET_LABELS)


def is_widget_label(text: str) -> bool:
    """A heading that labels a chrome box: "Tin liên quan", "Bình luận (2)", "Thăm dò ý kiến"."""
    if len(text) > 60:
        return False
    return fold(re.sub(r"\(\s*\d+\s*\)|\d+", " ", text)) in _widget_labels()


def is_date_line(text: str) -> bool:
    """A line holding only a date/time stamp ("Thứ năm, 2/11/2023, 19:20 (GMT+7)")."""
    if RELATIVE_TIME_RE.match(text.strip()):
        return True
    if not any(c.isdigit() for c in text) or word_count(text) > 14:
        return False
    if not _STAMP_RE.search(text):
        return False
    rest = _DATE_TOKEN_RE.sub(" ", text.casefold())
    return not _SEPARATORS_RE.sub("", rest)


def is_image_marker(text: str) -> bool:
    """An image left behind as text: a file path/name or an "[Ảnh]" placeholder."""
    return word_count(text) <= 25 and any(r.match(text.strip()) for r in IMAGE_MARKER_RES)


def is_chrome_line(text: str) -> bool:
    """Page chrome wherever it stands: widgets, font-size controls, breadcrumbs, tag lists,
    pipe menus, date stamps, "Tin liên quan"..."""
    text = text.strip()
    if not text:
        return True
    return bool(
        is_widget_line(text)
        or FONT_WIDGET_RE.match(text)
        or BREADCRUMB_RE.match(text)
        or TAG_LIST_RE.match(text)
        or READ_MORE_RE.match(text)
        or ATTACHMENT_RE.match(text)
        or (PIPE_NAV_RE.match(text) and text.count("|") >= 2 and word_count(text) <= 12)
        or is_date_line(text)
    )


def is_footer_line(text: str, *, strong_only: bool = False) -> bool:
    """Copyright, licence and portal-name lines of a page footer (``strong_only``), or also
    contact lines (address, phone, e-mail)."""
    text = text.strip()
    n = word_count(text)
    if n > FOOTER_MAX_WORDS:
        return False
    strong = STRONG_FOOTER_RE.search(text)
    if strong and (strong.group(0) in "©®" or "copyright" in strong.group(0).lower() or n <= 25):
        return True
    return not strong_only and bool(CONTACT_RE.search(text))


def classify_caption(text: str) -> str | None:
    """The caption text if ``text`` reads as an image caption or photo credit, else None.

    Captions are recognised by their credit ("Ảnh: ...", "(Ảnh: ...)", "Ảnh minh họa"), never
    by length alone; see :func:`clean_lines` for captions that follow an image marker.
    """
    text = text.strip()
    if not text or word_count(text) > CAPTION_MAX_WORDS:
        return None
    if any(r.search(text) for r in CAPTION_CREDIT_RES):
        return text
    return None


def _is_name(text: str) -> bool:
    """A person's or outlet's name: 1-6 capitalised words or initials, nothing else."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 6 or len(text) > 50:
        return False
    return all(NAME_TOKEN_RE.match(t) and t[0].isupper() for t in tokens)


_NAME_LIST_SEP_RE = re.compile(r"\s*(?:[-–—,&/]|\svà\s)\s*")


def is_byline(text: str) -> bool:
    """An author or source-credit line: "Anh Minh", "L.C", "Hòa Lê (T/h)", "Theo CNBC",
    "Nguồn: TTXVN", "Bài và ảnh: Minh Anh", "Minh Anh - Hoàng Phong"."""
    text = text.strip()
    if not text or word_count(text) > BYLINE_MAX_WORDS or is_nav_term(text):
        return False
    if is_list_item(text):
        return False
    if BYLINE_PREFIX_RE.match(text):
        return not ends_sentence(text) or text.endswith(")")
    name = BYLINE_SUFFIX_RE.sub("", text).strip().strip("-–—").strip()
    names = [n for n in _NAME_LIST_SEP_RE.split(name) if n]
    return bool(names) and all(_is_name(n) for n in names) and not is_chrome_line(name)


# --------------------------------------------------------------------------------------------
# Splitting helpers for flattened text
# --------------------------------------------------------------------------------------------

_SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"”’')\]]*\s+")


def _caption_shaped(left: str, right: str) -> bool:
    """True when ``left`` can be a caption glued in front of the sentence ``right``."""
    left, right = left.strip(), right.strip()
    if not left or not right or not (left[0].isupper() or left[0].isdigit()):
        return False
    if not 5 <= word_count(left) <= IMAGE_CAPTION_MAX_WORDS or word_count(right) < 5:
        return False
    if re.search(r"[.!?…;:]|,(?!\d)", left):
        return False
    last = left.split()[-1].casefold()
    return last not in FUNCTION_WORDS and (right[0].isupper() or right[0].isdigit())


def _glue_point(sentence: str, *, openers: bool) -> int | None:
    """Where a caption glued in front of this sentence ends: at a double space, or (in
    flattened text) before a capitalised sentence opener that follows a lower-case word."""
    gap = re.search(r"\S(\s{2,})(?=\S)", sentence)
    if gap and _caption_shaped(sentence[: gap.start(1)], sentence[gap.end(1) :]):
        return gap.end(1)
    if not openers:
        return None
    words = list(re.finditer(r"\S+", sentence))
    for k in range(5, min(len(words) - 1, IMAGE_CAPTION_MAX_WORDS + 1)):
        prev, word, nxt = words[k - 1].group(), words[k].group(), words[k + 1].group()
        if not (prev[0].isalpha() and prev[0].islower() and word[0].isupper()):
            continue
        if word.casefold().strip(",") not in SENTENCE_OPENERS or nxt[0].isupper():
            continue
        if _caption_shaped(sentence[: words[k].start()], sentence[words[k].start() :]):
            return words[k].start()
    return None


def split_glued_captions(text: str) -> list[Line]:
    """Split captions a scraper glued into a paragraph without punctuation.

    A caption starts a sentence, has 5 to 35 words and no sentence punctuation, and ends at a
    double space or (in a paragraph-long line) right before a capitalised sentence opener
    such as "Về", "Theo", "Trong". Text that does not fit is kept whole.
    """
    openers = word_count(text) >= GLUED_MIN_LINE_WORDS
    breaks = [m.end() for m in _SENTENCE_BREAK_RE.finditer(text)]
    out: list[Line] = []
    pos = 0
    for i, start in enumerate([0, *breaks]):
        if start < pos:
            continue
        end = breaks[i] if i < len(breaks) else len(text)
        cut = _glue_point(text[start:end], openers=openers)
        if cut is None:
            continue
        before = text[pos:start].strip()
        if before:
            out.append(Line(before))
        out.append(Line(text[start : start + cut].strip(), "caption"))
        pos = start + cut
    rest = text[pos:].strip()
    if rest:
        out.append(Line(rest))
    return out


def split_trailing_byline(text: str) -> tuple[str, str | None]:
    """Split an author credit glued to the end of the last paragraph ("... nói. L.C")."""
    for m in reversed(list(_SENTENCE_BREAK_RE.finditer(text))):
        tail = text[m.end() :].strip()
        if not tail:
            continue
        if is_byline(tail) and word_count(text[: m.end()]) >= SUBSTANTIAL_MIN_WORDS:
            return text[: m.end()].strip(), tail
        break
    return text, None


def join_wrapped_lines(lines: Sequence[str]) -> list[str]:
    """Join hard-wrapped lines of one paragraph: a long line without a sentence end followed
    by a line that starts in lower case continues on that line."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (
            out
            and out[-1]
            and stripped
            and len(out[-1]) >= 40
            and not _SENTENCE_END_RE.search(out[-1])
            and stripped[0].islower()
        ):
            out[-1] = out[-1] + " " + stripped
        else:
            out.append(stripped)
    return out


# --------------------------------------------------------------------------------------------
# The clean-up passes
# --------------------------------------------------------------------------------------------


def mark_chrome(lines: Iterable[Line]) -> list[Line]:
    """Normalise every line; replace chrome with a boundary; classify credits as captions and
    the short line after an image marker as a caption; drop the image markers themselves, and
    the link titles listed under a box label such as "Tin liên quan"."""
    out: list[Line] = []
    after_image = after_label = False
    for line in lines:
        text = normalize_text(line.text)
        if not text:
            continue
        if line.hint in ("caption", "byline"):
            out.append(Line(text, line.hint))
            after_image = after_label = False
            continue
        if is_image_marker(text):
            out.append(Line("", "boundary"))
            after_image = True
            continue
        if is_widget_label(text) or is_chrome_line(text):
            out.append(Line("", "boundary"))
            after_image = False
            after_label = after_label or is_widget_label(text)
            continue
        if after_label and word_count(text) <= LINK_TITLE_MAX_WORDS and not is_substantial(text):
            out.append(Line("", "boundary"))
            continue
        after_label = False
        if classify_caption(text) is not None:
            out.append(Line(text, "caption"))
        elif (
            after_image
            and word_count(text) <= IMAGE_CAPTION_MAX_WORDS
            and not (is_substantial(text) and word_count(text) > 25)
        ):
            out.append(Line(text, "caption"))
        else:
            out.append(Line(text, line.hint))
        after_image = False
    return out


def _first_substantial(lines: Sequence[Line]) -> int | None:
    """Index of the first real paragraph (not a caption/byline/boundary)."""
    for i, line in enumerate(lines):
        if _is_paragraph(line):
            return i
    return None


def _last_substantial(lines: Sequence[Line]) -> int | None:
    """Index of the last real paragraph (not a caption/byline/boundary)."""
    for i in range(len(lines) - 1, -1, -1):
        if _is_paragraph(lines[i]):
            return i
    return None


def _is_paragraph(line: Line) -> bool:
    """A real paragraph: substantial, not a caption/byline, not an all-caps banner or a
    footer line."""
    return (
        line.hint not in ("caption", "byline", "boundary")
        and is_substantial(line.text)
        and not is_all_caps(line.text)
        and not is_footer_line(line.text, strong_only=True)
    )


def _is_menu_region(lines: Sequence[Line], seen_twice: set[str]) -> bool:
    """True when a run of lines reads like a menu: several short entries, some of them known
    section names or repeated elsewhere on the page."""
    texts = [ln.text for ln in lines if ln.hint != "boundary"]
    nav = [t for t in texts if is_nav_like(t)]
    known = sum(1 for t in nav if is_nav_term(t) or t in seen_twice)
    return len(nav) >= 3 and known >= 2 and len(nav) >= 0.6 * len(texts)


def trim_head(lines: Sequence[Line]) -> list[Line]:
    """Drop the menus and banners in front of the article head.

    The head is the run of up to :data:`HEAD_MAX_LINES` lines right above the first real
    paragraph, ending upwards at chrome, at a line repeated from a menu, or at a section
    label. What lies above the head is dropped when it is chrome-like (menus, all-caps banners,
    repeated labels) and kept otherwise, so a text without chrome comes back whole.
    """
    first = _first_substantial(lines)
    if first is None:
        return list(lines)
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.hint != "boundary":
            counts[ln.text] = counts.get(ln.text, 0) + 1
    seen_twice = {k for k, v in counts.items() if v > 1}

    start = first
    while start > 0 and first - start < HEAD_MAX_LINES:
        prev = lines[start - 1]
        if prev.hint == "boundary" or prev.text in seen_twice:
            break
        if is_nav_term(prev.text) and not is_all_caps(prev.text):
            break
        start -= 1

    above = lines[:start]
    menu = _is_menu_region(above, seen_twice)
    kept: list[Line] = []
    for i, ln in enumerate(above):
        if ln.hint == "boundary" or ln.text in seen_twice:
            continue
        if is_all_caps(ln.text) and (
            ln.text.rstrip().endswith("!") or any(b.hint == "boundary" for b in above[i + 1 :])
        ):
            continue  # a banner slogan, or a caps line cut off from the head by chrome
        if is_nav_term(ln.text) or (menu and is_nav_like(ln.text)):
            continue
        kept.append(ln)
    return kept + list(lines[start:])


def cut_footer(lines: Sequence[Line]) -> list[Line]:
    """Cut the page footer: the run of footer lines (portal name, contacts, copyright) that
    ends the text, when it holds at least one copyright/licence/portal-name line."""
    strong = [
        i
        for i, ln in enumerate(lines)
        if ln.hint != "boundary" and is_footer_line(ln.text, strong_only=True)
    ]
    if not strong:
        return list(lines)
    last = strong[-1]
    for ln in lines[last + 1 :]:
        if ln.hint != "boundary" and not is_footer_line(ln.text) and word_count(ln.text) > 12:
            return list(lines)
    start = last
    for i in range(last - 1, -1, -1):
        if lines[i].hint == "boundary":
            continue
        if not is_footer_line(lines[i].text):
            break
        start = i
    return list(lines[:start])


def trim_tail(lines: Sequence[Line]) -> list[Line]:
    """Drop menus, widgets and the footer after the last real paragraph; keep captions and
    turn author/source lines there into bylines."""
    last = _last_substantial(lines)
    if last is None:
        return list(lines)
    head = list(lines[: last + 1])
    tail = lines[last + 1 :]
    earlier = {ln.text for ln in head if ln.hint != "boundary"}
    out: list[Line] = []
    chrome_seen = False
    for i, ln in enumerate(tail):
        if ln.hint == "boundary":
            chrome_seen = True
            continue
        text = ln.text
        if ln.hint in ("caption", "byline"):
            out.append(ln)
            continue
        if not chrome_seen and is_byline(text):
            out.append(Line(text, "byline"))
            continue
        widget_row = ln.hint == "cell" and (chrome_seen or word_count(text) <= 3)
        if text in earlier or is_nav_term(text) or ln.hint == "heading" or widget_row:
            chrome_seen = True
            continue
        if is_nav_like(text):
            run = [t for t in tail[i : i + 3] if t.hint != "boundary" and is_nav_like(t.text)]
            if chrome_seen or len(run) >= 3:
                chrome_seen = True
                continue
        out.append(ln)
    return head + out


def _same(a: str, b: str) -> bool:
    """True when two lines are the same words (case and punctuation ignored)."""
    return bool(a) and fold(a) == fold(b)


def drop_repeats(lines: Sequence[Line], title: str | None) -> list[Line]:
    """Remove repetitions of the title, truncated teasers ("... các bộ...") that are repeated in
    full further down (the text glued in front of the full version becomes a caption), and
    exact repeats of long paragraphs."""
    out: list[Line] = []
    seen: set[str] = set()
    items = list(lines)
    for i, ln in enumerate(items):
        if ln.hint == "boundary":
            continue
        key = fold(ln.text)
        if title and _same(ln.text, title):
            continue
        if key in seen and word_count(ln.text) >= SUBSTANTIAL_MIN_WORDS:
            continue
        teaser = _teaser_prefix(ln.text)
        if teaser and ln.hint != "caption":
            hit = _find_expansion(items, i + 1, teaser)
            if hit is not None:
                j, prefix = hit
                if prefix:
                    items[j] = replace(items[j], text=items[j].text[len(prefix) :].lstrip())
                    items.insert(j, Line(prefix.strip(), "caption"))
                continue
        seen.add(key)
        out.append(ln)
    return out


def _teaser_prefix(text: str) -> str | None:
    """The folded text of a teaser that ends in an ellipsis, or None."""
    stripped = text.rstrip()
    if not (stripped.endswith("...") or stripped.endswith("…")):
        return None
    body = fold(stripped.rstrip(".…"))
    return body if word_count(body) >= 6 else None


def _find_expansion(items: Sequence[Line], start: int, teaser: str) -> tuple[int, str] | None:
    """Find a later line that contains the teaser in full; return its index and the raw text
    in front of the teaser there (a caption glued to the paragraph) when that is short."""
    first_words = teaser.split()[:4]
    for j in range(start, len(items)):
        ln = items[j]
        if ln.hint == "boundary" or teaser not in fold(ln.text):
            continue
        at = fold(ln.text).find(teaser)
        if at == 0:
            return j, ""
        # locate the raw offset of the teaser's first words
        pattern = r"\W+".join(map(re.escape, first_words))
        m = re.search(pattern, ln.text, re.IGNORECASE)
        prefix = ln.text[: m.start()] if m else ""
        if prefix and word_count(prefix) <= IMAGE_CAPTION_MAX_WORDS and not ends_sentence(prefix):
            return j, prefix
        return j, ""
    return None


def to_blocks(lines: Iterable[Line]) -> list[Block]:
    """Map hints to block kinds: captions and bylines keep theirs, everything else is body."""
    blocks: list[Block] = []
    for ln in lines:
        if ln.hint == "boundary" or not ln.text:
            continue
        kind = ln.hint if ln.hint in ("caption", "byline") else "body"
        blocks.append(Block(kind, ln.text))
    return blocks


def clean_lines(lines: Iterable[Line], *, title: str | None = None) -> list[Line]:
    """Run every clean-up pass: chrome, captions, head and tail trimming, repeats.

    Returns the surviving lines in reading order (no boundaries); ``title``, when known, is
    removed wherever it is repeated.
    """
    marked = mark_chrome(lines)
    trimmed = trim_tail(trim_head(cut_footer(marked)))
    return [ln for ln in drop_repeats(trimmed, title) if ln.hint != "boundary"]
