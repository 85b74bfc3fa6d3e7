"""Reading the page before extraction changes it: headline candidates, the lead (sapo),
the meta description, the site name and the bylines."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from loa.text.bylines import is_byline
from loa.text.datafiles import read_list
from loa.text.dom import (
    BYLINE_CLASS_RE,
    LEAD_CLASS_RE,
    NOT_HEADLINE_CLASS_RE,
    SOURCE_CLASS_RE,
    STRONG_LEAD_CLASS_RE,
    TITLE_CLASS_RE,
    attr_text,
    in_non_article,
    text_of,
)
from loa.text.phrases import alternation, is_nav_term
from loa.text.words import fold, normalize_text, word_count

TITLE_CLASS_TAGS = frozenset({"div", "span", "p", "h2", "h3", "h4", "td", "strong", "b"})
#: Words that mark a <title> segment as the site's name ("... - Báo VnExpress").
SITE_NAME_WORDS_RE = re.compile(
    rf"\b(?:{alternation(read_list('site_name_words.txt'))})\b|\.(?:vn|com|net|org)\b",
    re.IGNORECASE,
)
TITLE_SEPARATOR_RE = re.compile(r"\s+[-|–—:·»]\s+")


#: Shortest and longest plausible headline, in words.
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 50
#: How many characters of text may stand between the headline and the lead.
LEAD_MAX_GAP = 600
LEAD_MIN_WORDS = 8
LEAD_MAX_WORDS = 160

Offsets = dict[lxml.html.HtmlElement, list[int]]


@dataclass
class PageInfo:
    """What is read from the page before trafilatura changes the tree."""

    titles: list[str]
    document_title: str | None
    lead: str | None
    description: str | None
    site_name: str | None
    bylines: list[str]


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    """The content of the first <meta> with one of ``names`` as property or name."""
    for name in names:
        for el in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            content = normalize_text(el.get("content") or "")
            if content:
                return content
    return None


def _text_offsets(root: lxml.html.HtmlElement) -> Offsets:
    """Character offset of each element's start and end in the page's text, document order."""
    offsets: Offsets = {}
    pos = 0
    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            offsets[el] = [pos, pos]
            pos += len((el.text or "").strip())
        else:
            offsets[el][1] = pos
            pos += len((el.tail or "").strip())
    return offsets


def _headline_elements(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """<h1> elements that can be the article headline (not logos or portlet headings)."""
    out = []
    for el in tree.iter("h1"):
        if NOT_HEADLINE_CLASS_RE.search(attr_text(el)):
            continue
        if any(NOT_HEADLINE_CLASS_RE.search(attr_text(a)) for a in el.iterancestors()):
            continue
        if text_of(el):
            out.append(el)
    return out


def read_page_info(tree: lxml.html.HtmlElement) -> PageInfo:
    """Collect headline candidates, the lead paragraph and the description from the page."""
    headlines = _headline_elements(tree)
    titles = [text_of(el) for el in headlines]
    for name in ("og:title", "twitter:title", "title"):
        value = _meta(tree, name)
        if value:
            titles.append(value)
    titles.extend(_title_class_texts(tree))
    site_name = _meta(tree, "og:site_name", "application-name")
    title_el = tree.find(".//title")
    document_title = None
    if title_el is not None and text_of(title_el):
        document_title = strip_site_name(text_of(title_el), site_name)
    description = _meta(tree, "og:description", "description", "twitter:description")
    lead = find_lead(tree, headlines)
    bylines = find_bylines(tree, headlines)
    return PageInfo(titles, document_title, lead, description, site_name, bylines)


def _title_class_texts(tree: lxml.html.HtmlElement) -> list[str]:
    """Texts of title-class elements ("title-news", "tieude") outside lists and related boxes."""
    body = tree.find("body")
    out: list[str] = []
    for el in body.iter() if body is not None else []:
        if not isinstance(el.tag, str) or el.tag not in TITLE_CLASS_TAGS:
            continue
        attrs = attr_text(el)
        if not TITLE_CLASS_RE.search(attrs) or NOT_HEADLINE_CLASS_RE.search(attrs):
            continue
        text = text_of(el)
        if 4 <= word_count(text) <= TITLE_MAX_WORDS and not in_non_article(el):
            out.append(text)
            if len(out) >= 5:
                break
    return out


def find_bylines(tree: lxml.html.HtmlElement, headlines: list[lxml.html.HtmlElement]) -> list[str]:
    """Author and source-credit lines of the article: short author/source-class elements
    after the headline that read as a byline, outside related lists."""
    body = tree.find("body")
    if body is None:
        return []
    offsets = _text_offsets(body) if headlines else {}
    anchor = offsets.get(headlines[0], [0, 0])[0] if headlines else 0
    found: list[str] = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "img", "script", "style", "a"):
            continue
        attrs = attr_text(el)
        if not (BYLINE_CLASS_RE.search(attrs) or SOURCE_CLASS_RE.search(attrs)):
            continue
        text = text_of(el)
        if not text or not is_byline(text) or in_non_article(el):
            continue
        if offsets and offsets.get(el, [0, 0])[0] < anchor:
            continue
        if all(fold(text) != fold(t) and fold(text) not in fold(t) for t in found):
            found = [t for t in found if fold(t) not in fold(text)] + [text]
    return found


def find_lead(tree: lxml.html.HtmlElement, headlines: list[lxml.html.HtmlElement]) -> str | None:
    """The lead (sapo) paragraph: an element with a lead/sapo/description class right after
    the headline (or anywhere, for the strongest class names), outside related lists."""
    body = tree.find("body")
    if body is None:
        return None
    offsets = _text_offsets(body)
    anchor = offsets.get(headlines[0], [None, None])[1] if headlines else None
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "a", "img", "script", "style"):
            continue
        attrs = attr_text(el)
        if not LEAD_CLASS_RE.search(attrs) or in_non_article(el):
            continue
        text = text_of(el)
        if not LEAD_MIN_WORDS <= word_count(text) <= LEAD_MAX_WORDS:
            continue
        start = offsets.get(el, [0, 0])[0]
        if anchor is not None:
            if start < anchor:
                continue
            if start - anchor > LEAD_MAX_GAP:
                return None
            return text
        if STRONG_LEAD_CLASS_RE.search(attrs):
            return text
    return None


def strip_site_name(title: str, site_name: str | None) -> str:
    """Drop " - Site name" / " | Section" segments from the end of a <title>."""
    end = len(title)
    for sep in reversed(list(TITLE_SEPARATOR_RE.finditer(title))):
        last = title[sep.end() : end]
        site_like = (
            (site_name and fold(last) == fold(site_name))
            or SITE_NAME_WORDS_RE.search(last)
            or is_nav_term(last)
        )
        if not site_like or word_count(last) > 10 or word_count(title[: sep.start()]) < 2:
            break
        end = sep.start()
    return title[:end].strip()
