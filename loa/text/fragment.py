"""CMS body fragments: HTML without a page around it (what a CMS posts on publish).

A fragment is all article: headings, paragraphs, lists, tables, quotes and figures. Instead of
trafilatura (which looks for the main block of a page and drops short blocks such as
subheadings and list items), the tree is read block by block in document order: one
:class:`Line` per paragraph, heading, list item, quote paragraph or table row; inline markup
(links, bold, spans) is text; ``<br>`` breaks a line; captions come back as captions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.etree
import lxml.html

from loa.text.lines import Line, LineHint
from loa.text.maintext import apply_marks, split_marks
from loa.text.words import normalize_text

#: Markup that only a whole page has: a fragment has none of it.
PAGE_MARKUP_RE = re.compile(r"<(?:!doctype|html|head|body|title|frameset)\b", re.IGNORECASE)

#: Block elements and the hint of the lines they hold.
BLOCK_HINTS: dict[str, LineHint] = {
    "p": "text",
    "div": "text",
    "section": "text",
    "article": "text",
    "main": "text",
    "pre": "text",
    "address": "text",
    "center": "text",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "hgroup": "heading",
    "li": "item",
    "dt": "item",
    "dd": "item",
    "blockquote": "quote",
    "figure": "text",
    "details": "text",
    "summary": "heading",
    "caption": "heading",
    "ul": "text",
    "ol": "text",
    "dl": "text",
    "table": "text",
    "thead": "text",
    "tbody": "text",
    "tfoot": "text",
}
#: Elements whose content is never read (scripts, forms, page chrome containers, media).
SKIPPED_TAGS = frozenset(
    "script style noscript template iframe object embed video audio canvas svg math form "
    "button select textarea input nav aside footer header menu".split()
)
#: Elements inside a table cell that make the table a layout table (read cell by cell).
CELL_BLOCKS = frozenset({"ul", "ol", "table", "blockquote", "h1", "h2", "h3", "h4", "figure"})
#: Paragraph-like elements; a cell holding more than one is a layout cell.
CELL_PARAGRAPHS = frozenset({"p", "div"})


def is_fragment(text: str) -> bool:
    """True when an HTML text has no page around it (no doctype, html, head, body, title)."""
    return not PAGE_MARKUP_RE.search(text)


def _is_layout_cell(cell: lxml.etree._Element) -> bool:
    """A table cell that holds blocks (lists, tables, headings, several paragraphs): the
    table lays out a page and is read cell by cell, not row by row."""
    tags = [d.tag for d in cell.iterdescendants() if isinstance(d.tag, str)]
    return any(t in CELL_BLOCKS for t in tags) or sum(t in CELL_PARAGRAPHS for t in tags) > 1


def first_heading(tree: lxml.html.HtmlElement) -> str:
    """The text of the fragment's first ``<h1>``, or ``""``."""
    for el in tree.iter("h1"):
        text = normalize_text(" ".join(str(t) for t in el.itertext()))
        if text:
            return text
    return ""


def fragment_lines(tree: lxml.html.HtmlElement) -> list[Line]:
    """Every block of the fragment as lines, in document order (marks applied)."""
    body = tree.find("body")
    root = body if body is not None else tree
    lines = list(_walk(root))
    return [apply_marks(part) for ln in lines for part in split_marks(ln)]


def _walk(root: lxml.etree._Element) -> Iterator[Line]:
    buf: list[str] = []

    def flush(hint: LineHint) -> Iterator[Line]:
        text = normalize_text("".join(buf))
        buf.clear()
        if text:
            yield Line(text, hint)

    def row(el: lxml.etree._Element) -> Iterator[Line]:
        cells = [
            normalize_text(" ".join(str(t) for t in c.itertext()))
            for c in el
            if isinstance(c.tag, str) and c.tag in ("td", "th")
        ]
        text = ", ".join(c for c in cells if c)
        if text:
            yield Line(text, "cell")

    def visit(el: lxml.etree._Element, hint: LineHint) -> Iterator[Line]:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIPPED_TAGS or not tag:
            return
        if tag == "br":
            yield from flush(hint)
            return
        if tag == "tr":
            yield from flush(hint)
            layout = any(_is_layout_cell(c) for c in el)
            if not layout:
                yield from row(el)
                return
        block = tag in BLOCK_HINTS or tag in ("tr", "td", "th")
        inner: LineHint = hint
        if tag in BLOCK_HINTS and (hint == "text" or BLOCK_HINTS[tag] != "text"):
            inner = BLOCK_HINTS[tag]
        if block:
            yield from flush(hint)
        if el.text:
            buf.append(el.text)
        for child in el:
            yield from visit(child, inner)
            if child.tail:
                buf.append(child.tail)
        if block:
            yield from flush(inner)

    yield from visit(root, "text")
    yield from flush("text")
