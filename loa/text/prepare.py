"""Preparing the tree for trafilatura: drop hidden elements, breadcrumbs and chrome boxes;
turn captions and author lines into marked paragraphs that survive extraction."""

from __future__ import annotations

import re

import lxml.html

from loa.text.chrome import is_chrome_line
from loa.text.dom import (
    BYLINE_CLASS_RE,
    CAPTION_CLASS_RE,
    CHROME_CLASS_RE,
    attr_text,
    drop,
    in_non_article,
    is_hidden,
    text_of,
)
from loa.text.phrases import is_home_link, is_widget_label
from loa.text.words import is_substantial, normalize_text, word_count

CAPTION_MARK = "LOACAPTIONMARK"


BYLINE_MARK = "LOABYLINEMARK"


MARK_RE = re.compile(rf"\s*({CAPTION_MARK}|{BYLINE_MARK})\s*")


BREADCRUMB_MAX_WORDS = 16
#: A box holding a sentence this long is not a chrome widget.
WIDGET_PARAGRAPH_WORDS = 15
#: Largest share of the page's text a chrome element may hold and still be removed.
CHROME_MAX_SHARE = 0.3


def prepare_tree(tree: lxml.html.HtmlElement) -> None:
    """Remove hidden elements, breadcrumbs and chrome containers; turn captions and author
    lines into marked paragraphs so that they survive extraction and can be told apart."""
    body = tree.find("body")
    if body is None:
        return
    total = len(text_of(body)) or 1
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if is_hidden(el):
            drop(el)
    _remove_breadcrumbs(body)
    _remove_labelled_widgets(body, total)
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("body", "html"):
            continue
        if CHROME_CLASS_RE.search(attr_text(el)) and len(text_of(el)) <= CHROME_MAX_SHARE * total:
            drop(el)
    _mark_captions(body)
    _mark_bylines(body)


def _remove_breadcrumbs(body: lxml.html.HtmlElement) -> None:
    """Remove the small container around a "Trang chủ"/"Home" link (a breadcrumb or a
    menu's home entry)."""
    for el in list(body.iter("a", "span", "li")):
        if el.getparent() is None or not is_home_link(text_of(el)):
            continue
        target = el
        for anc in el.iterancestors():
            if anc.tag in ("body", "html") or word_count(text_of(anc)) > BREADCRUMB_MAX_WORDS:
                break
            target = anc
        if target.getparent() is not None:
            drop(target)


def _has_paragraph(el: lxml.html.HtmlElement) -> bool:
    """True when the element holds a real paragraph of running text (not a link or list
    entry): a sentence of at least :data:`WIDGET_PARAGRAPH_WORDS` words."""
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in ("a", "li", "script", "style"):
            continue
        own = normalize_text(" ".join([node.text or ""] + [c.tail or "" for c in node]))
        if word_count(own) >= WIDGET_PARAGRAPH_WORDS and is_substantial(own):
            if not any(a.tag in ("a", "li") for a in node.iterancestors()):
                return True
    return False


def _remove_labelled_widgets(body: lxml.html.HtmlElement, total: int) -> None:
    """Remove boxes labelled by a chrome heading ("Tin liên quan", "Thăm dò ý kiến", "File
    đính kèm"...): from the label, go up to the largest ancestor without a paragraph of
    running text and with a small share of the page's text, and drop it."""
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("a", "li"):
            continue
        if len(el) > 3:  # a label is a leaf or nearly so
            continue
        text = text_of(el)
        if not text or word_count(text) > 6 or not is_widget_label(text):
            continue
        target = el
        for anc in el.iterancestors():
            if anc.tag in ("body", "html", "article", "main"):
                break
            if len(text_of(anc)) > CHROME_MAX_SHARE * total or _has_paragraph(anc):
                break
            target = anc
        if target.getparent() is not None:
            drop(target)


def marked_paragraph(mark: str, text: str) -> lxml.html.HtmlElement:
    """A <p> holding ``text`` behind ``mark``."""
    p = lxml.html.Element("p")
    p.text = f"{mark} {text}"
    return p


def replace_keep_tail(el: lxml.html.HtmlElement, new: lxml.html.HtmlElement) -> None:
    """Put ``new`` where ``el`` is, keeping ``el``'s tail text."""
    new.tail = el.tail
    el.getparent().replace(el, new)


def _mark_captions(body: lxml.html.HtmlElement) -> None:
    """Turn <figcaption> and caption-class elements into marked paragraphs; turn <figure>
    into <div> so that extraction keeps what is inside."""
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag == "figcaption" or (
            el.tag in ("p", "div", "span", "td", "em", "i")
            and CAPTION_CLASS_RE.search(attr_text(el))
        ):
            if any(
                a.tag == "figcaption" or CAPTION_CLASS_RE.search(attr_text(a))
                for a in el.iterancestors()
                if a.tag not in ("body", "html")
            ):
                continue
            text = text_of(el)
            if text:
                replace_keep_tail(el, marked_paragraph(CAPTION_MARK, text))
            else:
                drop(el)
    for fig in list(body.iter("figure")):
        fig.tag = "div"


def _mark_bylines(body: lxml.html.HtmlElement) -> None:
    """Turn short author-class elements into marked paragraphs."""
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("body", "html"):
            continue
        if not BYLINE_CLASS_RE.search(attr_text(el)) or in_non_article(el):
            continue
        text = text_of(el)
        if text and word_count(text) <= 8 and not is_chrome_line(text):
            replace_keep_tail(el, marked_paragraph(BYLINE_MARK, text))
