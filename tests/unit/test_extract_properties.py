"""Properties of the text front end on arbitrary input: nothing but ExtractionError escapes,
and every text that comes out is NFC without invisible characters."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from loa.errors import ExtractionError
from loa.text.extract import extract_document
from loa.text.model import ExtractedArticle
from loa.text.words import INVISIBLE_CHARS, fold, normalize_text, word_count

WORDS = st.sampled_from(
    [
        "Hà Nội",
        "Ủy ban",
        "bão số 3",
        "Ảnh: TTXVN",
        "Bình luận",
        "Tin liên quan",
        "©",
        "&amp;",
        "&lol9;",
        "Trang chủ",
        "Xem thêm:",
        "cookie",
        "hoa\u0300",  # decomposed: a + combining grave
        "\u200b",
        "12/3/2024",
        "người dân",
        ".",
        ",",
    ]
)
TEXT = st.lists(WORDS, max_size=12).map(" ".join) | st.text(max_size=40) | st.just("a\x1bb\x00")
TAGS = st.sampled_from(
    ["p", "h1", "h2", "li", "ul", "div", "figure", "figcaption", "blockquote", "table", "tr", "td"]
)


@st.composite
def html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(TAGS)
            cls = draw(
                st.sampled_from(["", ' class="caption"', ' class="share"', ' class="author"'])
            )
            parts.append(f"<{tag}{cls}>{draw(html(depth + 1))}</{tag}>")
        else:
            parts.append(draw(TEXT))
    return "".join(parts)


def check(article: ExtractedArticle) -> None:
    for text in [article.title, *(b.text for b in article.blocks)]:
        assert unicodedata.is_normalized("NFC", text)
        assert not set(text) & set(INVISIBLE_CHARS)
        assert all(c in "\t" or ord(c) >= 32 for c in text)


@settings(max_examples=60)
@given(st.lists(TEXT, max_size=8).map("\n".join))
def test_plain_text_never_raises_anything_else(text: str) -> None:
    try:
        article = extract_document(text)
    except ExtractionError:
        return
    check(article)


@settings(max_examples=60)
@given(html())
def test_html_never_raises_anything_else(fragment: str) -> None:
    for doc in (fragment, f"<html><body>{fragment}</body></html>"):
        try:
            article = extract_document(doc)
        except ExtractionError:
            continue
        check(article)


@given(st.text())
def test_normalize_text_is_nfc_and_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert unicodedata.is_normalized("NFC", once)
    assert normalize_text(once) == once


@given(st.text())
def test_fold_ignores_case_invisibles_and_normal_form(text: str) -> None:
    decomposed = unicodedata.normalize("NFD", text.upper())
    assert fold(decomposed) == fold(unicodedata.normalize("NFC", text.upper()))
    assert fold(text) == fold(text.replace("\u200b", ""))
    assert word_count(fold(text)) == len(fold(text).split())
