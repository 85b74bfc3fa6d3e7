"""Line predicates for page chrome: widgets, breadcrumbs, tag lists, "read more" links,
attachments, pipe menus, date stamps, image markers and footer lines."""

from __future__ import annotations

import re
import unicodedata

from loa.text.datafiles import read_list
from loa.text.phrases import HOME_LINKS, alternation, chrome_phrase_re
from loa.text.words import word_count

#: Font-size widgets: "-A A +A", "A- A A+", "A A A".
FONT_WIDGET_RE = re.compile(r"^(?:[-+]?\s*A\s*[-+]?\s*){2,4}$")
#: Breadcrumb that starts at the home page: "Trang chủ > Thời sự > Chính trị".
BREADCRUMB_RE = re.compile(rf"^(?:{alternation(HOME_LINKS)})\s*[>»›/|\\-]", re.IGNORECASE)
#: A tag or keyword list.
TAG_LIST_RE = re.compile(r"^(?:tags?|từ kh[oó]a|keywords?)\s*:", re.IGNORECASE)
#: A "read more" link line: "Xem thêm: ...", ">> Đọc thêm ...", "Tin liên quan: ...".
READ_MORE_RE = re.compile(
    rf"^(?:>>|»|►|▶)|^(?:{alternation(read_list('read_more.txt'))})\s*(?::|>>|»)",
    re.IGNORECASE,
)
#: Attachment lines: "File đính kèm: QD-123.pdf", "bao-cao.docx".
ATTACHMENT_RE = re.compile(
    r"^(?:file|tệp|tài liệu|văn bản)\s+đính kèm\s*:|^\S+\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z)$",
    re.IGNORECASE,
)


#: A pipe-separated navigation line: "| Về đầu trang | Đăng nhập |".
PIPE_NAV_RE = re.compile(r"^\|?(?:\s*[^|]{1,30}\s*\|){2,}\s*[^|]{0,30}$")


_SEPARATORS_RE = re.compile(r"[\s|•·/\\\-–—>»›:,;()\[\]{}.!?…*+=#\d]+")

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


#: Footer lines that only a page footer has (copyright, licence, portal name).
STRONG_FOOTER_RE = re.compile(
    r"[©®]|\bcopyright\b|all rights reserved"
    rf"|^(?:{alternation(read_list('footer_starts.txt'))})\b",
    re.IGNORECASE,
)
#: Contact fields, which footers list (and articles sometimes quote).
CONTACT_RE = re.compile(
    rf"(?:^|[\s;,.(-])(?:{alternation(read_list('contact_fields.txt'))})\s*:", re.IGNORECASE
)
FOOTER_MAX_WORDS = 60


def is_widget_line(text: str) -> bool:
    """A line made only of chrome phrases, separators, counters and time stamps ("Chia sẻ |
    In bài", "Bình luận (12)", "Chế độ ban đêm In trang Xuất PDF Đọc nội dung", "Ngày đăng:
    12/03/2024 | Lượt xem: 345")."""
    folded = unicodedata.normalize("NFC", text).casefold()
    rest, found = chrome_phrase_re().subn(" ", folded)
    if not found:
        return False
    return not _SEPARATORS_RE.sub("", rest) or is_date_line(rest)


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
