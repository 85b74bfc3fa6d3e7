"""loa.text.decode: HTML entities in posted text, and what the plain-text path does with them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loa.text.decode import decode_entities
from loa.text.extract import extract_plain_text

ARTICLE = (
    "Công ty Minh Phát vừa ký hợp đồng cung cấp thiết bị cho bệnh viện huyện với tổng giá trị "
    "hơn 5 tỷ đồng, dự kiến bàn giao trong quý tới."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R&amp;D", "R&D"),
        ("A&nbsp;B", "A\u00a0B"),
        ("&lt;b&gt;", "<b>"),
        ("&#39;Hà Nội&#39;", "'Hà Nội'"),
        ("&#x110;à Nẵng", "Đà Nẵng"),
        ("&quot;Tết&quot;", '"Tết"'),
        ("vui &lol9; lắm", "vui  lắm"),
        ("&ampx; và &foo;", " và "),
        ("&#0; và &#xD800;", " và "),
        ("R&D và AT&T", "R&D và AT&T"),
        ("không có thực thể", "không có thực thể"),
    ],
)
def test_entities_decoded_unknown_dropped(text: str, expected: str) -> None:
    assert decode_entities(text) == expected


def test_plain_text_reads_entities_not_letters() -> None:
    text = f"Hợp đồng R&amp;D&nbsp;mới\n\n{ARTICLE.replace('với', '&lol9; với')}"
    article = extract_plain_text(text)
    assert article.title == "Hợp đồng R&D mới"
    assert article.blocks[0].text == ARTICLE
    assert "lol" not in article.to_text() and "amp" not in article.to_text()


def test_given_title_entities_decoded() -> None:
    article = extract_plain_text(ARTICLE, title="Bảo hành &amp; bảo trì")
    assert article.title == "Bảo hành & bảo trì"


@given(st.text())
def test_decode_entities_is_nfc_and_leaves_plain_text_alone(text: str) -> None:
    out = decode_entities(text)
    if "&" in text:
        assert unicodedata.is_normalized("NFC", out)
    else:
        assert out == text


@given(st.sampled_from(["amp", "nbsp", "lt", "gt", "quot", "lol9", "xyz", "#65", "#x41"]))
def test_no_reference_survives(name: str) -> None:
    out = decode_entities(f"a &{name}; b")
    assert f"&{name};" not in out


def test_control_characters_are_dropped_not_fatal() -> None:
    from loa.text.extract import extract_html

    html = f'<p class="caption">Ảnh\x1b: TTXVN</p><p>{ARTICLE[:40]}\x00{ARTICLE[40:]}</p>'
    article = extract_html(html)
    assert [b.text for b in article.blocks if b.kind == "body"] == [ARTICLE]
    assert extract_plain_text(f"Tiêu\x07 đề\n{ARTICLE}").title == "Tiêu đề"
