"""Sentence splitting, clause cutting and article segmentation (loa.text.segment)."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loa.text import segment as segment_module
from loa.text.model import Block, ExtractedArticle
from loa.text.normalize import normalize
from loa.text.segment import clause_spans, segment_article, split_clauses, split_sentences

# --- toy normalizers -------------------------------------------------------------------------

DIGIT_NAMES = "không một hai ba bốn năm sáu bảy tám chín".split()


def identity(text: str) -> str:
    return text


def spell_digits(text: str) -> str:
    """Every digit becomes its name: a normalizer that lengthens numbers and splits words."""
    return re.sub(r"\d", lambda m: f" {DIGIT_NAMES[int(m.group())]} ", text)


def expand_a_lot(text: str) -> str:
    """Every digit becomes twelve words, acronyms are spelled: length changes a lot."""
    text = re.sub(r"\b[A-ZĐ]{2,}\b", lambda m: " ".join("chữ " + c.lower() for c in m[0]), text)
    return re.sub(r"\d", lambda m: " " + " ".join([DIGIT_NAMES[int(m[0])]] * 12) + " ", text)


def drop_punctuation(text: str) -> str:
    """Lowercases and drops punctuation: no original word survives unchanged."""
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


real_north = functools.partial(normalize, region="north")
real_south = functools.partial(normalize, region="south")

NORMALIZERS = [identity, spell_digits, expand_a_lot, drop_punctuation, real_north, real_south]


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def speakable(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


# --- split_sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hôm nay trời đẹp. Chúng tôi đi chơi! Bạn có đi không? Có.",
            ["Hôm nay trời đẹp.", "Chúng tôi đi chơi!", "Bạn có đi không?", "Có."],
        ),
        # abbreviations with a dot: titles, degrees, administrative units
        (
            "PGS.TS. Lê Văn Cường và ThS. Hà Thu nói tại TP. Hải Phòng. GS. Trần An đồng ý.",
            ["PGS.TS. Lê Văn Cường và ThS. Hà Thu nói tại TP. Hải Phòng.", "GS. Trần An đồng ý."],
        ),
        (
            "BS. Ngô Lan (Th.S Y khoa) làm việc ở Q. 3, P. 7. Bà cũng dạy ở TX. Sơn Tây.",
            ["BS. Ngô Lan (Th.S Y khoa) làm việc ở Q. 3, P. 7.", "Bà cũng dạy ở TX. Sơn Tây."],
        ),
        ("Mr. Smith sống ở St. Louis. Ông ấy vui.", ["Mr. Smith sống ở St. Louis.", "Ông ấy vui."]),
        # initials after a capitalized word, but not a one-letter word after a lowercase one
        (
            "Ông Nguyễn V. A. phát biểu. Tôi ngồi ở dãy B. Sau đó tôi về.",
            ["Ông Nguyễn V. A. phát biểu.", "Tôi ngồi ở dãy B.", "Sau đó tôi về."],
        ),
        # dots inside tokens: numbers, dates, versions, URLs, e-mails, TP.HCM
        (
            "Giá 1.500 đồng, tăng 3,5% từ 16.5.2022 với bản v1.2 tại TP.HCM. Xem thêm ở "
            "www.langson.gov.vn hoặc gửi thư tới a@b.vn. Cảm ơn.",
            [
                "Giá 1.500 đồng, tăng 3,5% từ 16.5.2022 với bản v1.2 tại TP.HCM.",
                "Xem thêm ở www.langson.gov.vn hoặc gửi thư tới a@b.vn.",
                "Cảm ơn.",
            ],
        ),
        # sentences may end with a number, a URL or an acronym
        (
            "Năm nay là 2022. Trang web là langson.gov.vn. Đó là UBND. Hết.",
            ["Năm nay là 2022.", "Trang web là langson.gov.vn.", "Đó là UBND.", "Hết."],
        ),
        # ellipsis: lowercase continues, uppercase starts anew, inside quotes stays
        (
            "Các dự án đô thị... góp phần phát triển. Thế là... Hết chuyện.",
            ["Các dự án đô thị... góp phần phát triển.", "Thế là...", "Hết chuyện."],
        ),
        (
            'Anh nói: "Thôi… Để mai tính." Rồi anh đi.',
            ['Anh nói: "Thôi… Để mai tính."', "Rồi anh đi."],
        ),
        # closing quotes and brackets stay with their sentence; lowercase after ? continues
        (
            'Chủ đề là "Khoa học và đổi mới." (Trích dẫn.) "Sao vậy?" anh hỏi. 2022 là năm tốt.',
            [
                'Chủ đề là "Khoa học và đổi mới."',
                "(Trích dẫn.)",
                '"Sao vậy?" anh hỏi.',
                "2022 là năm tốt.",
            ],
        ),
        # list markers are not sentences
        (
            "1. Giới thiệu chung. II. Nội dung chính. Điều 5. Phạm vi áp dụng",
            ["1. Giới thiệu chung.", "II. Nội dung chính.", "Điều 5.", "Phạm vi áp dụng"],
        ),
        # a brand written in camel case starts a sentence too
        ("Tôi mua máy mới. iPhone rất đắt.", ["Tôi mua máy mới.", "iPhone rất đắt."]),
        # "v.v." may end a sentence
        ("Rau, củ, quả v.v. Tất cả đều tươi.", ["Rau, củ, quả v.v.", "Tất cả đều tươi."]),
        # no split when the next word is lowercase or there is no space
        ("Xong.rồi sao. tiếp tục đi", ["Xong.rồi sao. tiếp tục đi"]),
        # a line break always ends a sentence
        ("Dòng một không có dấu\nDòng hai", ["Dòng một không có dấu", "Dòng hai"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_split_sentences_spans_are_stripped_offsets() -> None:
    text = "  Câu một.   Câu hai!  "
    assert split_sentences(text) == [(2, 10), (13, 21)]
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


# --- split_clauses ---------------------------------------------------------------------------


def test_short_text_is_one_piece() -> None:
    assert split_clauses("  Xin   chào  ", 20) == ["Xin chào"]
    assert split_clauses("   ", 20) == []


def test_semicolon_beats_comma_and_comma_beats_space() -> None:
    text = "Tỉnh đã làm tốt công tác này, rất đáng khen; Sở cũng đạt nhiều kết quả tốt"
    assert split_clauses(text, 50) == [
        "Tỉnh đã làm tốt công tác này, rất đáng khen;",
        "Sở cũng đạt nhiều kết quả tốt",
    ]
    text = "Hoạt động khoa học, công nghệ và đổi mới sáng tạo đạt nhiều kết quả tích cực"
    assert split_clauses(text, 60)[0] == "Hoạt động khoa học,"


def test_colon_then_dash_then_conjunction() -> None:
    assert split_clauses("Nội dung gồm các mục sau: một là khoa học cơ bản", 30) == [
        "Nội dung gồm các mục sau:",
        "một là khoa học cơ bản",
    ]
    assert split_clauses("Phát triển kinh tế bền vững – xã hội ổn định lâu dài", 35) == [
        "Phát triển kinh tế bền vững",
        "– xã hội ổn định lâu dài",
    ]
    assert split_clauses("Chúng tôi làm việc rất chăm chỉ nhưng kết quả chưa cao", 40) == [
        "Chúng tôi làm việc rất chăm chỉ",
        "nhưng kết quả chưa cao",
    ]


def test_pieces_are_balanced_not_greedy() -> None:
    text = " ".join(["chữ"] * 30)  # 119 characters, no punctuation
    pieces = split_clauses(text, 100)
    assert len(pieces) == 2
    assert abs(len(pieces[0]) - len(pieces[1])) <= 8


def test_never_cuts_inside_a_number_or_word() -> None:
    text = "Tổng vốn 1.500.000.000 đồng và 3,75 triệu USD cho giai đoạn 2021-2025"
    for max_chars in range(22, 80):
        for piece in split_clauses(text, max_chars):
            assert len(piece) <= max_chars
            for word in piece.split():
                assert word in text.split()


def test_hard_cut_of_a_word_longer_than_max_chars() -> None:
    url = "https://www.langson.gov.vn/tin-tuc/khoa-hoc-cong-nghe/hoi-thao.html"
    pieces = split_clauses(f"Xem {url} nhé", 30)
    assert all(len(p) <= 30 for p in pieces)
    assert "".join("".join(pieces).split()) == f"Xem{url}nhé"
    assert pieces[1].endswith(("/", ".", "-"))  # cut after a separator when there is one


def test_hard_cut_keeps_combining_marks_with_their_letter() -> None:
    word = "a\u0301" * 30  # decomposed á, sixty code points
    for piece in split_clauses(word, 25):
        assert not piece.startswith("\u0301")


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_clauses("abc", 0)


# --- segment_article -------------------------------------------------------------------------

ARTICLE = ExtractedArticle(
    title="Hội thảo KHCN năm 2022",
    blocks=[
        Block(
            "body",
            "Ngày 16/5/2022, Sở Khoa học và Công nghệ (KHCN) tổ chức hội thảo. "
            "Giá tăng 5% so với năm 2021; UBND tỉnh chỉ đạo sát sao. 😀",
        ),
        Block("caption", "Ảnh: TS. Nguyễn V. A. phát biểu"),
        Block("byline", "Nguyễn Ngọc Hưng"),
        Block("body", "🎉 🎉"),
        Block("body", "Xin cảm ơn."),
    ],
)


def test_segment_article_identity() -> None:
    segments = segment_article(ARTICLE, max_chars=200)
    full = ARTICLE.to_text()
    assert [s.text for s in segments] == [
        "Hội thảo KHCN năm 2022",
        "Ngày 16/5/2022, Sở Khoa học và Công nghệ (KHCN) tổ chức hội thảo.",
        "Giá tăng 5% so với năm 2021; UBND tỉnh chỉ đạo sát sao. 😀",
        "Xin cảm ơn.",
    ]
    assert [full[s.start : s.end] for s in segments] == [s.text for s in segments]
    assert [s.index for s in segments] == [0, 1, 2, 3]
    assert [(s.paragraph, s.sentence) for s in segments] == [(0, 0), (1, 0), (1, 1), (3, 0)]
    assert [s.kind for s in segments] == ["title", "body", "body", "body"]
    assert [s.pause_after for s in segments] == ["paragraph", "sentence", "paragraph", "paragraph"]


def test_segment_article_reads_captions_when_asked() -> None:
    segments = segment_article(ARTICLE, max_chars=200, captions=True)
    caption = [s for s in segments if s.kind == "caption"]
    assert [s.text for s in caption] == ["Ảnh: TS. Nguyễn V. A. phát biểu"]
    full = ARTICLE.to_text(captions=True)
    assert full[caption[0].start : caption[0].end] == caption[0].text


def test_segment_article_cuts_and_maps_back() -> None:
    segments = segment_article(ARTICLE, max_chars=25, normalize=spell_digits)
    full = ARTICLE.to_text()
    assert all(len(s.text) <= 25 for s in segments)
    first_sentence = [s for s in segments if (s.paragraph, s.sentence) == (1, 0)]
    assert [s.pause_after for s in first_sentence] == ["clause"] * (len(first_sentence) - 1) + [
        "sentence"
    ]
    # unchanged words are anchors: the piece that speaks them highlights them
    for seg in first_sentence:
        if seg.text.startswith("Sở Khoa học"):
            assert full[seg.start : seg.end].strip() == "Sở Khoa học và Công nghệ"
    # pieces of a sentence tile it
    assert first_sentence[0].start == full.index("Ngày")
    assert first_sentence[-1].end == full.index("hội thảo.") + len("hội thảo.")
    for a, b in zip(first_sentence, first_sentence[1:], strict=False):
        assert a.end == b.start


def test_segment_article_with_the_real_normalizer() -> None:
    segments = segment_article(ARTICLE, max_chars=40, normalize=real_north)
    full = ARTICLE.to_text()
    assert all(len(s.text) <= 40 for s in segments)
    assert not any(ch.isdigit() for s in segments for ch in s.text)
    shown = {s.text: full[s.start : s.end] for s in segments}
    # the pieces reading the date, together, highlight the date
    date = [text for text in shown if "tháng năm" in text or "hai mươi hai," in text]
    assert "16/5/2022," in "".join(shown[text] for text in date)
    # an expanded acronym is highlighted as written, whole
    acronym = next(text for text in shown if text.startswith("ủy ban nhân dân"))
    assert shown[acronym].startswith("UBND ")


def test_segment_article_skips_unspeakable_sentences() -> None:
    article = ExtractedArticle(title="...", blocks=[Block("body", "— ! 🎉"), Block("body", "Có.")])
    segments = segment_article(article, max_chars=50)
    assert [(s.text, s.paragraph) for s in segments] == [("Có.", 2)]


def test_segment_article_respects_tiny_max_chars_with_large_expansion() -> None:
    segments = segment_article(ARTICLE, max_chars=20, normalize=expand_a_lot, captions=True)
    assert segments and all(0 < len(s.text) <= 20 for s in segments)


def test_segment_article_run_on_text_is_fast_and_tiled() -> None:
    """A 'sentence' of 150,000 characters (no full stop) is cut in chunks before alignment."""
    body = " ".join(["chữ"] * 30_000 + ["và 1.500 người, UBND"] * 1_000)
    article = ExtractedArticle(title="", blocks=[Block("body", body)])
    segments = segment_article(article, max_chars=100, normalize=spell_digits)
    assert all(len(s.text) <= 100 for s in segments)
    assert segments[0].start == 0 and segments[-1].end == len(body)
    assert all(a.end == b.start for a, b in zip(segments, segments[1:], strict=False))
    assert [s.pause_after for s in segments].count("clause") == len(segments) - 1


def test_segment_article_rejects_bad_max_chars() -> None:
    with pytest.raises(ValueError):
        segment_article(ARTICLE, max_chars=0)


# --- properties ------------------------------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
ALPHABET = (
    VIETNAMESE
    + VIETNAMESE.upper()
    + "0123456789"
    + ".,;:!?…-–—\"'“”()«» /%&@"
    + "😀👍🏽🇻🇳"
    + "\u200b\u200d\u0301\u00a0\t"
)
WORDS = [
    "Hà Nội", "TP.HCM", "TP.", "PGS.TS.", "ThS.", "Q.", "Nguyễn V. A.", "1.500.000", "3,5",
    "16.5.2022", "v1.2", "www.langson.gov.vn", "a@b.vn", "...", "…", "và", "nhưng", "–", ";",
    ",", ".", "!", "?", '"', "(", ")", "UBND", "KHCN", "2022", "😀", "\u200b", "x" * 45,
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "  ", "", "\u00a0", ". ", ", ", "\n"]

texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=300),
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(WORDS), st.text(alphabet=ALPHABET, min_size=1, max_size=12)),
            st.sampled_from(SEPARATORS),
        ),
        max_size=60,
    ).map(lambda parts: "".join(w + s for w, s in parts)),
)
speakable_words = st.text(alphabet=ALPHABET, min_size=1, max_size=20).filter(
    lambda w: any(ch.isalnum() for ch in w) and not any(ch.isspace() for ch in w)
)
max_chars_values = st.integers(min_value=20, max_value=400)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(texts)
def test_property_sentence_spans(text: str) -> None:
    spans = split_sentences(text)
    position = 0
    for a, b in spans:
        assert position <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        assert text[position:a].strip() == ""
        position = b
    assert text[position:].strip() == ""


@PROPERTY
@given(texts, max_chars_values)
def test_property_clause_spans(text: str, max_chars: int) -> None:
    spans = clause_spans(text, max_chars)
    pieces = split_clauses(text, max_chars)
    assert len(pieces) == len(spans)
    for piece in pieces:
        assert piece and piece == piece.strip() and len(piece) <= max_chars
    assert "".join("".join(pieces).split()) == "".join(text.split())
    long_words = {w for w in text.split() if len(w) > max_chars}
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        gap = text[end:start]
        if gap:
            assert gap.isspace()
        else:  # a hard cut, only inside a word too long for any piece
            before = re.search(r"\S*$", text[:end])
            after = re.match(r"\S*", text[end:])
            assert before is not None and after is not None  # both patterns match empty text
            word = before[0] + after[0]
            assert word in long_words
    if not long_words:
        assert " ".join(pieces) == " ".join(text.split())


@PROPERTY
@given(st.lists(speakable_words, min_size=1, max_size=80), max_chars_values)
def test_property_clauses_rejoin_exactly(words: list[str], max_chars: int) -> None:
    text = " ".join(words)
    pieces = split_clauses(text, max_chars)
    assert " ".join(pieces) == text
    assert all(len(p) <= max_chars for p in pieces)


@PROPERTY
@given(
    st.lists(st.tuples(st.sampled_from(["body", "caption", "byline"]), texts), max_size=5),
    texts,
    max_chars_values,
    st.sampled_from(NORMALIZERS),
    st.booleans(),
    st.sampled_from([segment_module.LONG_SENTENCE_CHARS, 60]),
)
def test_property_segment_article(blocks, title, max_chars, normalize, captions, chunk) -> None:
    article = ExtractedArticle(title=title, blocks=[Block(k, t) for k, t in blocks])
    full = article.to_text(captions)
    with mock.patch.object(segment_module, "LONG_SENTENCE_CHARS", chunk):
        segments = segment_article(
            article, max_chars=max_chars, normalize=normalize, captions=captions
        )
    assert [s.index for s in segments] == list(range(len(segments)))
    previous_end = 0
    by_sentence = defaultdict(list)
    for seg in segments:
        assert seg.text and seg.text == seg.text.strip() and len(seg.text) <= max_chars
        assert any(ch.isalnum() for ch in seg.text)
        assert previous_end <= seg.start <= seg.end <= len(full)
        previous_end = seg.end
        by_sentence[seg.paragraph, seg.sentence].append(seg)

    readable = article.readable_blocks(captions)
    offset = 0
    expected_keys = []
    for p, block in enumerate(readable):
        for s, (a, b) in enumerate(split_sentences(block.text)):
            spoken = normalize(block.text[a:b])
            if not speakable(spoken):
                continue
            expected_keys.append((p, s))
            pieces = by_sentence[p, s]
            assert {x.kind for x in pieces} == {block.kind}
            # the pieces tile the sentence span, in order
            assert pieces[0].start == offset + a and pieces[-1].end == offset + b
            for x, y in zip(pieces, pieces[1:], strict=False):
                assert x.end == y.start
                assert x.pause_after == "clause"
            assert pieces[-1].pause_after in ("sentence", "paragraph")
            # nothing speakable is lost or repeated
            assert speakable("".join(x.text for x in pieces)) == speakable(spoken)
        offset += len(block.text) + 1
    assert list(by_sentence) == expected_keys
    for seg, nxt in zip(segments, segments[1:], strict=False):
        assert (seg.pause_after == "paragraph") == (seg.paragraph != nxt.paragraph)
    if segments:
        assert segments[-1].pause_after == "paragraph"


@PROPERTY
@given(
    st.lists(st.lists(speakable_words, min_size=1, max_size=60), min_size=1, max_size=4),
    max_chars_values,
    st.sampled_from([identity, spell_digits]),
)
def test_property_segments_rejoin_to_the_normalized_sentence(paragraphs, max_chars, normalize):
    article = ExtractedArticle(title="", blocks=[Block("body", " ".join(w)) for w in paragraphs])
    segments = segment_article(article, max_chars=max_chars, normalize=normalize)
    by_sentence = defaultdict(list)
    for seg in segments:
        by_sentence[seg.paragraph, seg.sentence].append(seg.text)
    for p, block in enumerate(article.readable_blocks()):
        for s, (a, b) in enumerate(split_sentences(block.text)):
            spoken = " ".join(normalize(block.text[a:b]).split())
            if speakable(spoken) and max(map(len, spoken.split())) <= max_chars:
                assert_drops_only_punctuation(spoken.split(), " ".join(by_sentence[p, s]).split())


def assert_drops_only_punctuation(spoken: list[str], kept: list[str]) -> None:
    """``kept`` is ``spoken`` less some words with nothing to speak (pieces made only of
    punctuation are dropped; nothing else may change)."""
    position = 0
    for word in spoken:
        if position < len(kept) and kept[position] == word:
            position += 1
        else:
            assert not speakable(word), (word, spoken, kept)
    assert position == len(kept)
