"""The trafilatura glue: main text as :class:`Line` objects (marks turned back into caption
and byline hints) and trafilatura's metadata."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.etree
import lxml.html

from loa.text.lines import Line, LineHint
from loa.text.prepare import BYLINE_MARK, CAPTION_MARK, MARK_RE
from loa.text.words import normalize_text

#: Elements inside a table cell that make the table a layout table (read cell by cell).
_CELL_BLOCKS = frozenset({"p", "head", "list", "lb", "quote", "table"})


_BLOCK_TAGS: dict[str, LineHint] = {
    "row": "text",
    "p": "text",
    "head": "heading",
    "item": "item",
    "quote": "quote",
    "list": "text",
    "div": "text",
    "body": "text",
    "doc": "text",
    "main": "text",
    "cell": "cell",
    "code": "text",
    "table": "text",
}


def main_text_lines(tree: lxml.html.HtmlElement, url: str | None) -> list[Line]:
    """The article text as lines, from trafilatura (or its baseline when it finds nothing)."""
    from trafilatura import bare_extraction, baseline

    doc = None
    try:
        doc = bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:
        doc = None
    body = getattr(doc, "body", None) if doc is not None else None
    lines = list(_xml_lines(body)) if body is not None else []
    if not any(ln.text for ln in lines):
        try:
            fallback, _, _ = baseline(tree)
        except Exception:
            return []
        lines = list(_xml_lines(fallback))
    return [apply_marks(part) for ln in lines for part in split_marks(ln)]


def _xml_lines(root: lxml.etree._Element) -> Iterator[Line]:
    """Flatten trafilatura's XML body into lines: one per paragraph, heading, list item,
    quote or table row (cells joined); <lb/> breaks a line; text inside is whitespace-joined
    (which also joins hard-wrapped source lines)."""
    buf: list[str] = []

    def flush(hint: LineHint) -> Iterator[Line]:
        text = normalize_text("".join(buf))
        buf.clear()
        if text:
            yield Line(text, hint)

    def visit(el: lxml.etree._Element, hint: LineHint) -> Iterator[Line]:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "lb":
            yield from flush(hint)
            return
        if tag == "row" and not any(
            isinstance(d.tag, str) and d.tag in _CELL_BLOCKS for c in el for d in c.iter()
        ):
            yield from flush(hint)
            cells = [normalize_text(" ".join(str(t) for t in c.itertext())) for c in el]
            row = ", ".join(c for c in cells if c)
            if row:
                yield Line(row, "cell")
            return
        if tag in ("graphic", "ref") and not (el.text or len(el)):
            return
        block = tag in _BLOCK_TAGS
        inner = _BLOCK_TAGS.get(tag, hint) if block else hint
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


def split_marks(line: Line) -> list[Line]:
    """Split a line that holds a caption/byline mark in its middle into separate lines."""
    parts = MARK_RE.split(line.text)
    if len(parts) == 1:
        return [line]
    out: list[Line] = []
    if parts[0].strip():
        out.append(Line(parts[0].strip(), line.hint))
    for i in range(1, len(parts) - 1, 2):
        text = parts[i + 1].strip()
        if text:
            out.append(Line(f"{parts[i]} {text}", line.hint))
    return out


def apply_marks(line: Line) -> Line:
    """Turn a marked line into a caption or byline line without its mark."""
    if line.text.startswith(CAPTION_MARK):
        return Line(line.text[len(CAPTION_MARK) :].strip(), "caption")
    if line.text.startswith(BYLINE_MARK):
        return Line(line.text[len(BYLINE_MARK) :].strip(), "byline")
    return line


def trafilatura_metadata(tree: lxml.html.HtmlElement, url: str | None) -> dict[str, str | None]:
    """Title, author and date as trafilatura reads them (on a copy of the tree)."""
    from trafilatura import extract_metadata

    try:
        doc = extract_metadata(lxml.html.fromstring(lxml.html.tostring(tree)), default_url=url)
    except Exception:
        return {}
    return {
        "title": normalize_text(doc.title or "") or None,
        "author": normalize_text(doc.author or "") or None,
        "date": doc.date or None,
    }
