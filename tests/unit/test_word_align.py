"""Placing spoken words (edge word timings) in the displayed segment text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loa.engines.base import WordTiming
from loa.pipeline import build_playlist
from loa.text.align import MAX_RUN, place_words, timed_words, word_key
from loa.text.model import Segment
from loa.text.normalize import normalize

SENTENCE = (
    "Sáng 20/11/2024, UBND thành phố tổ chức lễ kỷ niệm (Ngày Nhà giáo) cho 3 và 4 trường; "
    "tăng 2,5% so với năm trước, tại TP.HCM."
)


def shown(display: str, spoken: list[str]) -> list[str | None]:
    return [display[p[0] : p[0] + p[1]] if p else None for p in place_words(display, spoken)]


def test_normalized_speech_lights_what_the_page_shows() -> None:
    spoken = normalize(SENTENCE).split()  # as the engine is sent it (edge reports these words)
    pairs = list(zip(spoken, shown(SENTENCE, spoken), strict=True))
    assert pairs[0] == ("Sáng", "Sáng") and ("(Ngày", "Ngày") in pairs and ("tổ", "tổ") in pairs
    read_as: dict[str | None, list[str]] = {}
    for word, lit in pairs:
        read_as.setdefault(lit, []).append(word)
    assert read_as["UBND"] == ["ủy", "ban", "nhân", "dân"]
    assert read_as["20/11/2024"][:4] == ["ngày", "hai", "mươi", "tháng"]
    assert read_as["2,5%"] == ["hai", "phẩy", "năm", "phần", "trăm"]
    assert read_as["TP.HCM"] == ["thành", "phố", "Hồ", "Chí", "Minh."]
    assert read_as["3"] == ["ba"] and read_as["4"] == ["bốn"]
    assert None not in read_as


def test_words_with_nothing_shown_in_their_place_are_not_placed() -> None:
    assert shown("Một hai ba.", ["Một", "xin", "chào", "hai", "ba", "."]) == [
        "Một",
        None,
        None,
        "hai",
        "ba",
        None,
    ]
    assert place_words("", ["một", "hai"]) == [None, None]
    assert place_words("Một hai.", []) == []


def test_a_long_unmatched_run_is_not_lit_at_once() -> None:
    display = "Một " + " ".join(f"X{i}Y" for i in range(MAX_RUN + 1)) + " hai."
    spoken = ["Một", "ô", "ô", "hai"]
    assert shown(display, spoken) == ["Một", None, None, "hai"]


def test_timed_words_keep_text_start_duration_and_add_the_place() -> None:
    words = [WordTiming("Ủy", 0.1, 0.2), WordTiming("ban", 0.3, 0.2), WordTiming("họp", 0.5, 0.2)]
    assert timed_words("UBND họp.", words, 10.0) == [
        {"text": "Ủy", "start": 10.1, "duration": 0.2, "offset": 0, "length": 4},
        {"text": "ban", "start": 10.3, "duration": 0.2, "offset": 0, "length": 4},
        {"text": "họp", "start": 10.5, "duration": 0.2, "offset": 5, "length": 3},
    ]


def test_playlist_words_are_placed_in_the_segment_text() -> None:
    source = "  UBND họp. "
    seg = Segment(0, "Ủy ban nhân dân họp.", 0, 0, "body", 0, len(source))
    timed = [WordTiming(w, 0.1 * i, 0.1) for i, w in enumerate("Ủy ban nhân dân họp".split())]
    playlist = build_playlist([seg], [(2.0, 1.0)], 3.0, source_text=source, words=[timed])
    item = playlist["segments"][0]
    assert item["text"] == "UBND họp."
    assert [(w["offset"], w["length"]) for w in item["words"]] == [(0, 4)] * 4 + [(5, 3)]
    assert item["words"][0]["start"] == 2.0


# --- properties ---------------------------------------------------------------------------------

WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạéèẻẽẹóòỏõọ0123456789", min_size=1)
PUNCT = st.sampled_from(["", ",", ".", ";", ":", "(", ")", "“", "”", "!", "?", "…", " –"])
SPACE = st.sampled_from([" ", "  ", "\n", " \t "])


@st.composite
def display_and_words(draw: st.DrawFn) -> tuple[str, list[str]]:
    words = draw(st.lists(WORD, min_size=1, max_size=30))
    text = ""
    for w in words:
        casing = draw(st.sampled_from(["lower", "upper", "capitalize"]))
        cased = w if casing == "lower" else w.upper() if casing == "upper" else w.capitalize()
        text += draw(PUNCT) + cased + draw(PUNCT) + draw(SPACE)
    return text, words


def well_formed(display: str, spoken: list[str]) -> list[tuple[int, int]]:
    places = place_words(display, spoken)
    assert len(places) == len(spoken)
    got = [p for p in places if p is not None]
    for offset, length in got:
        assert 0 <= offset and length > 0 and offset + length <= len(display)
        lit = display[offset : offset + length]
        assert lit == lit.strip() and word_key(lit)
    assert [o for o, _n in got] == sorted(o for o, _n in got)  # never backwards
    return got


@given(display_and_words())
def test_the_same_words_are_each_placed_on_their_own(case: tuple[str, list[str]]) -> None:
    display, words = case
    got = well_formed(display, words)
    assert len(got) == len(words)
    for (offset, length), word in zip(got, words, strict=True):
        assert word_key(display[offset : offset + length]) == word_key(word)


@given(display_and_words(), st.data())
def test_a_word_read_out_as_several_lights_that_word(
    case: tuple[str, list[str]], data: st.DataObject
) -> None:
    display, words = case
    at = data.draw(st.integers(0, len(words) - 1))
    reading = data.draw(st.lists(st.sampled_from(["ủy", "ban", "nhân", "dân", "mười"]), min_size=2))
    spoken = words[:at] + reading + words[at + 1 :]
    got = place_words(display, spoken)
    well_formed(display, spoken)
    lit = {display[p[0] : p[0] + p[1]] for p in got[at : at + len(reading)] if p}
    assert all(word_key(x) == word_key(words[at]) for x in lit)


@given(st.text(max_size=80), st.lists(st.text(max_size=8), max_size=20))
def test_any_text_and_any_words_give_well_formed_places(display: str, spoken: list[str]) -> None:
    well_formed(display, spoken)
