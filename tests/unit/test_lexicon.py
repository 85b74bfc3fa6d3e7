"""Per-site pronunciation lexicons (loa.text.lexicon)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loa.errors import InputError
from loa.text import lexicon as lexicon_module
from loa.text.lexicon import MAX_ENTRIES, apply_lexicon, validate_lexicon

SITE = {
    "KH&CN": "khoa học và công nghệ",
    "KHCN": "khoa học công nghệ",
    "TP.HCM": "thành phố Hồ Chí Minh",
    "TP": "thành phố",
    "Vingroup": "Vin group",
    "VIN": "vin",
    "C++": "xê cộng cộng",
    "Lạng Sơn": "Lạng Sơn quê tôi",
    "&": "và",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở KH&CN Lạng Sơn", "Sở khoa học và công nghệ Lạng Sơn quê tôi"),
        # longest entry first: TP.HCM before TP
        ("Ở TP.HCM và TP Hà Nội", "Ở thành phố Hồ Chí Minh và thành phố Hà Nội"),
        # whole words only, Vietnamese letters count as word characters
        ("KHCNN, aKHCN, KHCN_1, KHCN.", "KHCNN, aKHCN, KHCN_1, khoa học công nghệ."),
        ("TPđ Lạng Sơnh", "TPđ Lạng Sơnh"),
        # nor glued into a longer token by . & @, but a hyphen separates
        (
            "TP.HN, KH&CN, TP@x.vn, TP. Huế, TP-Huế",
            "TP.HN, khoa học và công nghệ, TP@x.vn, thành phố. Huế, thành phố-Huế",
        ),
        # case-sensitive: acronyms do not touch ordinary words, entries match as written
        ("VIN, Vin, vin; Vingroup, VINGROUP", "vin, Vin, vin; Vin group, VINGROUP"),
        # entries with symbols
        ("Học C++ và C++11, A & B, A&B", "Học xê cộng cộng và C++11, A và B, A&B"),
        ("", ""),
    ],
)
def test_apply_lexicon(text: str, expected: str) -> None:
    assert apply_lexicon(text, SITE) == expected


def test_apply_lexicon_empty_lexicon_is_identity() -> None:
    assert apply_lexicon("Không đổi gì cả.", {}) == "Không đổi gì cả."


def test_apply_lexicon_word_boundary_ignores_decomposed_marks() -> None:
    # "Ha" followed by a combining grave accent is "Hà" in NFD: not the word "Ha"
    assert apply_lexicon("Ha\u0300 Ha", {"Ha": "ha"}) == "Ha\u0300 ha"


def test_apply_lexicon_compiles_each_lexicon_once() -> None:
    lexicon_module._compile.cache_clear()
    table = {"UBND": "ủy ban nhân dân", "HĐND": "hội đồng nhân dân"}
    for _ in range(5):
        apply_lexicon("UBND và HĐND tỉnh", dict(table))
    info = lexicon_module._compile.cache_info()
    assert info.misses == 1 and info.hits == 4
    assert apply_lexicon("UBND", {**table, "UBND": "u bê"}) == "u bê"  # other items: new entry


def test_validate_lexicon_cleans_entries() -> None:
    nfd = unicodedata.normalize("NFD", "Lạng Sơn")
    cleaned = validate_lexicon({f"  {nfd} ": "  Lạng   Sơn\n quê tôi ", "KH&CN": "khoa học"})
    assert cleaned == {"Lạng Sơn": "Lạng Sơn quê tôi", "KH&CN": "khoa học"}
    assert all(unicodedata.is_normalized("NFC", k + v) for k, v in cleaned.items())


@pytest.mark.parametrize(
    ("entries", "field", "message"),
    [
        ({"": "rỗng"}, "entries.", "written form is empty"),
        ({"   ": "rỗng"}, "entries.   ", "written form is empty"),
        ({"UBND": "  "}, "entries.UBND", "spoken form is empty"),
        ({"x" * 101: "dài"}, "entries." + "x" * 101, "at most 100"),
        ({"dài": "y" * 501}, "entries.dài", "at most 500"),
        ({"UBND": 5}, "entries.UBND", "must be a string"),
        ({"A\x00B": "ab"}, "entries.A\x00B", "control character"),
        ({"TP": "thành phố", " TP ": "tê pê"}, "entries.TP", "given twice"),
    ],
)
def test_validate_lexicon_rejects(entries: dict, field: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_lexicon(entries)
    assert caught.value.field == field
    assert message in caught.value.message


def test_validate_lexicon_limits() -> None:
    assert len(validate_lexicon({f"từ{i}": "đọc" for i in range(MAX_ENTRIES)})) == MAX_ENTRIES
    with pytest.raises(InputError) as caught:
        validate_lexicon({f"từ{i}": "đọc" for i in range(MAX_ENTRIES + 1)})
    assert caught.value.field == "entries" and "5,000" in caught.value.message
    assert validate_lexicon({"x" * 100: "y" * 500}) == {"x" * 100: "y" * 500}
    with pytest.raises(InputError):
        validate_lexicon(["UBND"])  # type: ignore[arg-type]  # not a mapping on purpose


# --- properties ------------------------------------------------------------------------------

LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ"
)
words = st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(words, words, max_size=20), st.lists(words, max_size=30))
def test_property_matches_word_by_word_lookup(table: dict[str, str], text_words: list[str]):
    """For single-word keys and space-separated text, it is a word-by-word dictionary lookup."""
    text = " ".join(text_words)
    assert apply_lexicon(text, table) == " ".join(table.get(w, w) for w in text_words)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.dictionaries(words, words, max_size=10))
def test_property_identity_lexicon_changes_nothing(text: str, keys: dict[str, str]):
    assert apply_lexicon(text, {k: k for k in keys}) == text
