"""HTML scanning without a tree (nesting depth, stray ``</p>``), the size/depth limits and
parsing into an lxml tree."""

from __future__ import annotations

import re
from collections.abc import Collection

import lxml.etree
import lxml.html

from loa.errors import ExtractionError

#: Elements that have no content and no end tag (they never nest).
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont bgsound "
    "frame keygen isindex".split()
)


_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""


#: One token of an HTML scan: a comment, a raw-text element (script, style...) with its
#: content, or a start/end tag.
HTML_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)"
    r"|<(?P<raw>script|style|textarea|xmp|noscript|iframe|noembed|noframes|template)\b"
    + _ATTRS
    + r">.*?(?:</(?P=raw)\s*>|$)"
    r"|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9:_-]*)(?P<attrs>" + _ATTRS + r")>",
    re.IGNORECASE | re.DOTALL,
)


#: Start tags that close an open <p> (HTML's implied end tags).
P_CLOSERS = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul li".split()
)


#: Elements that end the "button scope" in which a <p> is looked for.
BUTTON_SCOPE = frozenset("applet caption html table td th marquee object template button".split())


#: For tags whose end tag may be omitted: which open tags a new one closes, and where the
#: search for them stops.
IMPLIED_END = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}),
    "tbody": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
}


def scan_html(text: str, limit: int | None = None) -> tuple[int, list[tuple[int, int]]]:
    """Scan tags without building a tree: the deepest element nesting a browser-like parser
    would build, and the spans of stray ``</p>`` end tags (which browsers turn into an empty
    paragraph, i.e. a paragraph break, while lxml ignores them).

    End tags close up to their match; implied end tags are applied for <p>, <li>, table
    parts and options; void and self-closed elements do not nest. Stops once the depth
    exceeds ``limit``.
    """
    stack: list[str] = []
    deepest = 0
    strays: list[tuple[int, int]] = []
    for m in HTML_TOKEN_RE.finditer(text):
        if m.group("raw"):
            deepest = max(deepest, len(stack) + 1)
            continue
        name = m.group("name")
        if name is None:
            continue
        name = name.lower()
        if m.group("close"):
            if name == "p" and not _in_scope(stack, "p", BUTTON_SCOPE):
                strays.append(m.span())
            elif name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            continue
        if name in VOID_TAGS or m.group("attrs").rstrip().endswith("/"):
            continue
        if name in P_CLOSERS:
            _close_implied(stack, {"p"}, BUTTON_SCOPE)
        if name in IMPLIED_END:
            closes, stops = IMPLIED_END[name]
            _close_implied(stack, closes, stops)
        stack.append(name)
        if len(stack) > deepest:
            deepest = len(stack)
            if limit is not None and deepest > limit:
                break
    return deepest, strays


def html_depth(text: str, limit: int | None = None) -> int:
    """Deepest element nesting of an HTML text (see :func:`scan_html`)."""
    return scan_html(text, limit)[0]


def _in_scope(stack: list[str], name: str, stops: frozenset[str]) -> bool:
    """True when ``name`` is open above the nearest of ``stops``."""
    for open_name in reversed(stack):
        if open_name == name:
            return True
        if open_name in stops:
            return False
    return False


def repair_stray_paragraph_ends(text: str, strays: list[tuple[int, int]]) -> str:
    """Replace stray ``</p>`` tags with a line break: browsers render them as an empty
    paragraph, lxml drops them."""
    if not strays:
        return text
    parts, pos = [], 0
    for start, end in strays:
        parts.append(text[pos:start])
        parts.append("<br>")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _close_implied(stack: list[str], names: Collection[str], stops: Collection[str]) -> None:
    """Pop the stack down to (and including) the nearest of ``names`` above any ``stops``."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] in names:
            del stack[i:]
            return
        if stack[i] in stops:
            return


def check_depth(text: str, max_depth: int) -> list[tuple[int, int]]:
    """Raise ExtractionError when the page nests deeper than ``max_depth`` elements (lxml
    would silently drop everything below its own limit of 255); return the stray ``</p>``
    spans found on the way."""
    depth, strays = scan_html(text, limit=max_depth)
    if depth > max_depth:
        raise ExtractionError(
            f"html: elements are nested more than {max_depth} deep (max_html_depth); "
            "refusing to parse",
            field="html",
        )
    return strays


def check_size(html: bytes | str, max_bytes: int) -> None:
    """Raise ExtractionError (field ``html``) for a page over ``max_bytes``."""
    size = len(html) if isinstance(html, bytes) else len(html.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ExtractionError(
            f"html: the page is {size:,} bytes, over the limit of {max_bytes:,} bytes "
            "(max_html_bytes)",
            field="html",
        )


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse an HTML text into an lxml tree (comments and processing instructions dropped)."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"html: the page cannot be parsed ({exc})", field="html") from exc
    if tree is None:
        raise ExtractionError("html: the page is empty", field="html")
    return tree
