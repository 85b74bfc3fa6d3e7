"""Captions and bylines: photo credits, author and source-credit lines, names."""

from __future__ import annotations

import re

from loa.text.chrome import is_chrome_line
from loa.text.phrases import is_list_item, is_nav_term
from loa.text.words import ends_sentence, word_count

CAPTION_MAX_WORDS = 60  # a caption with a photo credit is at most this long
BYLINE_MAX_WORDS = 8

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


_NAME_LIST_SEP_RE = re.compile(r"\s*(?:[-–—,&/]|\svà\s)\s*")


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
