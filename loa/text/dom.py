"""Reading elements of an lxml tree: class/id tables (``data/classes.tsv``), visible text,
hidden elements, non-article containers."""

from __future__ import annotations

import re

import lxml.html

from loa.text.datafiles import read_table
from loa.text.words import normalize_text


def class_re(*names: str) -> re.Pattern[str]:
    """A regex that finds any of ``names`` as a whole part of a class/id value (parts are
    separated by spaces, '-' or '_')."""
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(names) + r")(?:$|[\s_-])", re.IGNORECASE)


_CLASSES = read_table("classes.tsv")
#: Class/id parts of page chrome inside or around articles (removed before extraction).
CHROME_CLASS_RE = class_re(*_CLASSES["chrome"])
#: Class/id parts of image captions.
CAPTION_CLASS_RE = class_re(*_CLASSES["caption"])
#: Class/id parts of the author line.
BYLINE_CLASS_RE = class_re(*_CLASSES["byline"])
#: Class/id parts of a source credit ("Theo CNBC").
SOURCE_CLASS_RE = class_re(*_CLASSES["source"])
#: Class/id parts of the lead (sapo) paragraph.
LEAD_CLASS_RE = class_re(*_CLASSES["lead"])
#: Lead classes strong enough to trust without a headline nearby.
STRONG_LEAD_CLASS_RE = class_re(*_CLASSES["strong_lead"])
#: Containers whose content is never the article (related lists, sidebars, menus).
NOT_ARTICLE_CLASS_RE = class_re(*_CLASSES["not_article"])
#: Class/id parts of elements holding a headline on pages without a usable <h1>.
TITLE_CLASS_RE = class_re(*_CLASSES["title"])
#: Class/id pieces of headline-like elements that are not the article's headline (anywhere).
NOT_HEADLINE_CLASS_RE = re.compile("|".join(_CLASSES["not_headline"]), re.IGNORECASE)


def attr_text(el: lxml.html.HtmlElement) -> str:
    """An element's class, id, type and data-role, for pattern matching."""
    return " ".join(el.get(a) or "" for a in ("class", "id", "type", "data-role"))


def text_of(el: lxml.html.HtmlElement) -> str:
    """An element's visible text, words separated as a browser would separate blocks."""
    return normalize_text(" ".join(el.itertext()))


def in_non_article(el: lxml.html.HtmlElement) -> bool:
    """True when the element sits inside a related list, sidebar, menu, footer or link."""
    for anc in el.iterancestors():
        if anc.tag in ("nav", "aside", "footer", "a", "li"):
            return True
        if NOT_ARTICLE_CLASS_RE.search(attr_text(anc)):
            return True
    return False


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    """True for elements a reader never sees (hidden attribute, display:none...)."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def drop(el: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    el.drop_tree()
