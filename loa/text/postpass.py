"""Passes after clean-up: the lead put back, photo stories, bylines appended, the author,
a byline glued to the last paragraph."""

from __future__ import annotations

from loa.text.bylines import BYLINE_PREFIX_RE, BYLINE_SUFFIX_RE
from loa.text.chrome import is_footer_line
from loa.text.glued import split_trailing_byline
from loa.text.lines import Line
from loa.text.model import Block
from loa.text.page import PageInfo
from loa.text.words import fold, normalize_text, word_count

#: A meta description becomes the lead when at least this share of its words occur in the
#: text (it is about this article) but less than this share of its word pairs stand in one
#: paragraph (it is not a copy or paraphrase of a paragraph already there).
DESCRIPTION_MIN_SHARED = 0.6
DESCRIPTION_MAX_OVERLAP = 0.5


def _covered(text: str, lines: list[Line]) -> bool:
    """True when most of ``text`` already stands in the lines (as a run of words)."""
    key = fold(text)
    words = key.split()
    probe = " ".join(words[: min(12, len(words))])
    joined = " \n ".join(fold(ln.text) for ln in lines)
    return bool(probe) and probe in joined


def _real_description(text: str | None, title: str, site_name: str | None = None) -> bool:
    """A meta description that is an article's lead: a full sentence, not truncated, not the
    title, not a list of keywords, not a description of the site itself."""
    if not text or fold(text) == fold(title):
        return False
    stripped = text.rstrip()
    if stripped.endswith(("...", "…")) or "|" in text or is_footer_line(text, strong_only=True):
        return False
    if site_name and fold(site_name) in fold(text):
        return False
    return word_count(text) >= 12 and stripped[-1:] in '.!?"”)'


def _bigram_overlap(text: str, lines: list[Line]) -> float:
    """The largest share of the word pairs of ``text`` found in any one line (a copy or a
    paraphrase of a paragraph already there scores high; a summary of the whole text, low)."""
    words = fold(text).split()
    pairs = list(zip(words, words[1:], strict=False))
    best = 0.0
    for ln in lines if pairs else []:
        w = fold(ln.text).split()
        line_pairs = set(zip(w, w[1:], strict=False))
        best = max(best, sum(p in line_pairs for p in pairs) / len(pairs))
    return best


def insert_lead(lines: list[Line], info: PageInfo, title: str) -> list[Line]:
    """Put the lead (sapo) in front of the body when extraction dropped it; without a lead
    element, use a meta description that reads as a real lead paragraph, shares words with
    the text and does not restate (or paraphrase) a paragraph that is already there."""
    lead = info.lead
    if not lead and _real_description(info.description, title, info.site_name):
        desc = info.description or ""
        body_words = set(" ".join(fold(ln.text) for ln in lines).split())
        desc_words = [w for w in fold(desc).split() if len(w) > 1]
        related = sum(w in body_words for w in desc_words) >= DESCRIPTION_MIN_SHARED * len(
            desc_words
        )
        if desc_words and related and _bigram_overlap(desc, lines) < DESCRIPTION_MAX_OVERLAP:
            lead = desc
    if not lead or fold(lead) == fold(title) or _covered(lead, lines):
        return lines
    return [Line(normalize_text(lead))] + lines


def mark_photo_story(lines: list[Line]) -> list[Line]:
    """In a photo story the narrative lives in the captions: when captions hold more words
    than the rest of the body, read them as body."""
    caption_words = sum(word_count(ln.text) for ln in lines if ln.hint == "caption")
    body_words = sum(word_count(ln.text) for ln in lines if ln.hint not in ("caption", "byline"))
    if caption_words > body_words:
        return [Line(ln.text, "text") if ln.hint == "caption" else ln for ln in lines]
    return lines


def append_bylines(lines: list[Line], bylines: list[str]) -> list[Line]:
    """Add the page's byline/source lines that extraction left out, at the end; a body line
    that is one of them becomes a byline."""
    wanted = {fold(b) for b in bylines}
    out = [Line(ln.text, "byline") if fold(ln.text) in wanted else ln for ln in lines]
    present = {fold(ln.text) for ln in out}
    return out + [Line(b, "byline") for b in bylines if fold(b) not in present]


def author_from(blocks: list[Block]) -> str | None:
    """The first byline that is a person's name (not "Theo ..."/"Nguồn: ...")."""
    for b in blocks:
        if b.kind == "byline" and not BYLINE_PREFIX_RE.match(b.text):
            name = BYLINE_SUFFIX_RE.sub("", b.text).strip()
            if len(name.split()) >= 2:
                return name
    return None


def clean_author(author: str | None, site_name: str | None) -> str | None:
    """The metadata author, unless it is the site's name or a placeholder account."""
    if not author:
        return None
    key = fold(author)
    if not key or set(key.split()) <= {"admin", "administrator", "quản", "trị", "viên"}:
        return None
    if site_name and (key in fold(site_name) or fold(site_name) in key):
        return None
    return author


def split_final_byline(lines: list[Line]) -> list[Line]:
    """Split an author credit glued to the end of the last body paragraph."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].hint in ("caption", "byline"):
            continue
        text, byline = split_trailing_byline(lines[i].text)
        if byline is None:
            return lines
        return lines[:i] + [Line(text, lines[i].hint), Line(byline, "byline")] + lines[i + 1 :]
    return lines
