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

from loa.text.dom import CHROME_CLASS_RE, NOT_ARTICLE_CLASS_RE, attr_text, text_of
from loa.text.lines import Line, LineHint
from loa.text.maintext import apply_marks, split_marks
from loa.text.prepare import CAPTION_MARK, marked_paragraph, replace_keep_tail
from loa.text.words import fold, normalize_text, word_count

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


#: Containers whose loose text (outside any <p>) is split into paragraphs at blank lines,
#: as classic editors store it (paragraphs without tags).
LOOSE_TEXT_TAGS = frozenset({"body", "div", "section", "article", "blockquote", "main"})
BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v]*\n")
#: WordPress caption shortcodes: ``[caption ...]<img ...> Text[/caption]``.
CAPTION_SHORTCODE_RE = re.compile(
    r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL
)
#: Other shortcodes, which are never read (embeds, galleries, players).
SHORTCODE_RE = re.compile(
    r"\[(embed|video|audio|playlist)\b[^\]]*\].*?\[/\1\]|\[/?(?:gallery|embed|video|audio|playlist)\b[^\]]*\]",
    re.IGNORECASE | re.DOTALL,
)
_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_LINKED_IMG_RE = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.IGNORECASE)


def expand_shortcodes(text: str) -> str:
    """Turn WordPress caption shortcodes into figures with captions; drop embed, gallery and
    player shortcodes."""
    if "[" not in text:
        return text

    def caption(m: re.Match[str]) -> str:
        inner = _LINKED_IMG_RE.sub(r"\1", m.group(1))
        images = "".join(_IMG_RE.findall(inner))
        words = _IMG_RE.sub("", inner).strip()
        return f"<figure>{images}<figcaption>{words}</figcaption></figure>"

    return SHORTCODE_RE.sub("", CAPTION_SHORTCODE_RE.sub(caption, text))


#: A caption is at most this long.
CAPTION_MAX_WORDS = 35
#: A table around an image with at most this many rows is the image and its caption.
IMAGE_TABLE_MAX_ROWS = 3
#: Inline elements whose text is styled as a caption (italic, small).
CAPTION_STYLE_TAGS = ("em", "i", "small", "cite")
#: Elements that only page chrome uses; a document with none of them is a bare page.
PAGE_CHROME_TAGS = ("nav", "header", "footer", "aside", "menu", "form", "iframe")
#: A bare page has at most this share of its text inside links.
BARE_MAX_LINK_SHARE = 0.2


def is_bare_page(tree: lxml.html.HtmlElement) -> bool:
    """True for a document that is a fragment in a page's clothes: ``<html><body>`` around
    article blocks, without menus, headers, footers, sidebars, forms or chrome boxes, and
    with little of its text in links."""
    body = tree.find("body")
    if body is None:
        return False
    if next(body.iter(*PAGE_CHROME_TAGS), None) is not None:
        return False
    for el in body.iter():
        if isinstance(el.tag, str) and (
            NOT_ARTICLE_CLASS_RE.search(attr_text(el)) or CHROME_CLASS_RE.search(attr_text(el))
        ):
            return False
    total = len(text_of(body))
    links = sum(len(text_of(a)) for a in body.iter("a"))
    return total > 0 and links <= BARE_MAX_LINK_SHARE * total


def first_heading(tree: lxml.html.HtmlElement) -> str:
    """The text of the fragment's first ``<h1>``, or ``""``."""
    for el in tree.iter("h1"):
        text = normalize_text(" ".join(str(t) for t in el.itertext()))
        if text:
            return text
    return ""


def _caption_styled(el: lxml.html.HtmlElement) -> bool:
    """A short block styled as a caption: all italic/small, or centred."""
    text = text_of(el)
    if not text or word_count(text) > CAPTION_MAX_WORDS:
        return False
    style = (el.get("style") or "").replace(" ", "").lower()
    if "text-align:center" in style:
        return True
    styled = " ".join(text_of(e) for e in el.iter(*CAPTION_STYLE_TAGS) if e is not el)
    return fold(styled) == fold(text)


def mark_image_captions(root: lxml.html.HtmlElement) -> None:
    """Captions that editors write without a caption element: the text of a small table
    around an image (CKEditor 4, newspaper CMSs), a caption-styled block right after an
    image-only block or after the image in the same block (TinyMCE, classic editors:
    ``<p><img></p><p><em>...</em></p>``)."""
    for table in list(root.iter("table")):
        text = text_of(table)
        if (
            table.getparent() is not None
            and next(table.iter("img"), None) is not None
            and len(table.findall(".//tr")) <= IMAGE_TABLE_MAX_ROWS
            and 0 < word_count(text) <= CAPTION_MAX_WORDS
        ):
            replace_keep_tail(table, marked_paragraph(CAPTION_MARK, text))
    for img in list(root.iter("img")):
        holder = img
        while holder.getparent() is not None and holder.getparent() is not root:
            parent = holder.getparent()
            if parent.tag not in ("p", "div", "a", "span", "center", "strong", "b"):
                break
            holder = parent
        if holder.getparent() is None:
            continue
        if text_of(holder):
            if holder.tag in ("p", "div") and _caption_styled(holder):
                replace_keep_tail(holder, marked_paragraph(CAPTION_MARK, text_of(holder)))
            continue
        nxt = holder.getnext()
        if nxt is None or not isinstance(nxt.tag, str) or nxt.tag not in ("p", "div"):
            continue
        if _caption_styled(nxt) and CAPTION_MARK not in text_of(nxt):
            replace_keep_tail(nxt, marked_paragraph(CAPTION_MARK, text_of(nxt)))


def fragment_lines(tree: lxml.html.HtmlElement) -> list[Line]:
    """Every block of the fragment as lines, in document order (marks applied)."""
    body = tree.find("body")
    root = body if body is not None else tree
    mark_image_captions(root)
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
        loose = tag in LOOSE_TEXT_TAGS
        if el.text:
            yield from text(el.text, inner, loose)
        for child in el:
            yield from visit(child, inner)
            if child.tail:
                yield from text(child.tail, inner, loose)
        if block:
            yield from flush(inner)

    def text(value: str, hint: LineHint, loose: bool) -> Iterator[Line]:
        """Add text; in a container's loose text a blank line ends a paragraph."""
        parts = BLANK_LINE_RE.split(value) if loose else [value]
        for k, part in enumerate(parts):
            if k:
                yield from flush(hint)
            buf.append(part)

    yield from visit(root, "text")
    yield from flush("text")
