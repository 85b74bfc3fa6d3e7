"""Turn a Vietnamese web page or a pasted text into an :class:`ExtractedArticle`.

``extract_html`` runs trafilatura for the main text and metadata and then repairs what it is
known to get wrong on Vietnamese pages: the lead (sapo) paragraph it drops on newspaper
templates, portlet headings it takes for the headline on government portals, breadcrumbs,
widgets, date lines and bylines it keeps, captions it drops or mixes into the body.
``extract_plain_text`` cleans text pasted together with its page chrome. Both share the
line-level clean-up in :mod:`loa.text.clean`; this module only orchestrates.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree
import lxml.html

from loa.errors import ExtractionError
from loa.text.clean import (
    BYLINE_PREFIX_RE,
    BYLINE_SUFFIX_RE,
    Line,
    clean_lines,
    drop_repeats,
    fold,
    is_all_caps,
    is_byline,
    is_chrome_line,
    is_footer_line,
    is_nav_term,
    is_substantial,
    is_widget_label,
    join_wrapped_lines,
    normalize_text,
    split_glued_captions,
    split_trailing_byline,
    to_blocks,
    word_count,
)
from loa.text.model import Block, ExtractedArticle

# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

#: How far into the document a charset declaration is looked for.
CHARSET_SNIFF_BYTES = 8192
META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
#: Labels that browsers treat as windows-1252; pages so labelled are often really UTF-8.
LATIN1_LABELS = frozenset(
    {
        "iso-8859-1",
        "latin1",
        "latin-1",
        "l1",
        "us-ascii",
        "ascii",
        "windows-1252",
        "cp1252",
        "iso8859-1",
    }
)
#: Charset labels Python spells differently.
CHARSET_ALIASES = {"x-user-defined": "windows-1252", "unicode": "utf-8", "utf8": "utf-8"}

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


def _class_re(*names: str) -> re.Pattern[str]:
    """A regex that finds any of ``names`` as a whole part of a class/id value (parts are
    separated by spaces, '-' or '_')."""
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(names) + r")(?:$|[\s_-])", re.IGNORECASE)


#: Class/id parts of page chrome inside or around articles (removed before extraction).
CHROME_CLASS_RE = _class_re(
    r"breadcrumbs?",
    r"bread-?crumbs?",
    r"crumbs?",
    r"share",
    r"sharing",
    r"social",
    r"socials",
    r"print",
    r"comments?",
    r"comment-?box",
    r"binh-?luan",
    r"binhluan",
    r"[a-z]*relate[a-z]*",
    r"lien-?quan",
    r"lienquan",
    r"tinlienquan",
    r"tags?",
    r"tag-?list",
    r"keywords?",
    r"tu-?khoa",
    r"polls?",
    r"vote",
    r"binh-?chon",
    r"binhchon",
    r"tham-?do",
    r"thamdo",
    r"weather",
    r"thoi-?tiet",
    r"thoitiet",
    r"advert",
    r"advertisement",
    r"ads",
    r"ad-?slot",
    r"qc",
    r"quang-?cao",
    r"quangcao",
    r"attach",
    r"attachments?",
    r"dinh-?kem",
    r"dinhkem",
    r"rating",
    r"newsletter",
    r"subscribe",
    r"toolbar",
    r"tool-?bar",
)
#: Class/id parts of image captions.
CAPTION_CLASS_RE = _class_re(
    r"fig-?caption",
    r"captions?",
    r"img-?caption",
    r"image-?caption",
    r"photo-?caption",
    r"pic-?caption",
    r"image-?desc",
    r"img-?desc",
    r"photo-?desc",
    r"chu-?thich",
    r"chuthich",
    r"ghi-?chu-?anh",
    r"media-?caption",
    r"wp-caption-text",
    r"expnote",
)
#: Class/id parts of the author line.
BYLINE_CLASS_RE = _class_re(
    r"author",
    r"author-?name",
    r"authors",
    r"byline",
    r"by-?line",
    r"tac-?gia",
    r"tacgia",
    r"writer",
    r"nguoi-?viet",
    r"signature",
    r"author_mail",
)
#: Class/id parts of a source credit ("Theo CNBC").
SOURCE_CLASS_RE = _class_re(r"source", r"nguon", r"nguon-?tin", r"credit")
#: Class/id parts of the lead (sapo) paragraph.
LEAD_CLASS_RE = _class_re(
    r"sapo",
    r"chapeau",
    r"lead",
    r"lede",
    r"description",
    r"desc",
    r"summary",
    r"tom-?tat",
    r"tomtat",
    r"intro",
    r"introtext",
    r"excerpt",
    r"teaser",
    r"abstract",
    r"standfirst",
    r"sub-?title",
)
#: Lead classes strong enough to trust without a headline nearby.
STRONG_LEAD_CLASS_RE = _class_re(
    r"sapo", r"chapeau", r"lead", r"description", r"tom-?tat", r"tomtat", r"summary"
)
#: Containers whose content is never the article (related lists, sidebars, menus).
NOT_ARTICLE_CLASS_RE = _class_re(
    r"[a-z]*relate[a-z]*",
    r"lien-?quan",
    r"footer",
    r"menu",
    r"nav",
    r"navbar",
    r"widget",
    r"box-?news",
    r"list-?news",
    r"news-?list",
    r"most-?viewed",
    r"xem-?nhieu",
    r"doc-?nhieu",
    r"portlet-?title",
)
#: Class/id parts of elements holding a headline on pages without a usable <h1>.
TITLE_CLASS_RE = _class_re(r"[a-z]*title[a-z]*", r"tieu-?de", r"tieude", r"headline")
TITLE_CLASS_TAGS = frozenset({"div", "span", "p", "h2", "h3", "h4", "td", "strong", "b"})
#: Class/id parts of headline-like elements that are not the article's headline.
NOT_HEADLINE_CLASS_RE = re.compile(
    r"logo|portlet|site-?name|brand|header-?logo|widget", re.IGNORECASE
)
#: Words that mark a <title> segment as the site's name ("... - Báo VnExpress").
SITE_NAME_WORDS_RE = re.compile(
    r"\b(?:báo|tạp chí|vnexpress|dân trí|tuổi trẻ|thanh niên|online|điện tử|cổng thông tin"
    r"|trang thông tin|sở|bộ|ubnd|ủy ban|uỷ ban|tỉnh|thành phố|huyện|quận|news|portal"
    r"|website|truyền hình|đài|thông tấn)\b|\.(?:vn|com|net|org)\b",
    re.IGNORECASE,
)
TITLE_SEPARATOR_RE = re.compile(r"\s+[-|–—:·»]\s+")
#: Texts of a link to the home page, which starts a breadcrumb.
HOME_LINK_TEXTS = frozenset({"home", "trang chủ", "trang nhất", "trang chính"})
BREADCRUMB_MAX_WORDS = 16

CAPTION_MARK = "LOACAPTIONMARK"
BYLINE_MARK = "LOABYLINEMARK"
MARK_RE = re.compile(rf"\s*({CAPTION_MARK}|{BYLINE_MARK})\s*")

#: Shortest and longest plausible headline, in words.
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 50
#: A short all-lower-case heading is a portlet/box heading, not a headline.
PORTLET_HEADING_MAX_WORDS = 6
#: A box holding a sentence this long is not a chrome widget.
WIDGET_PARAGRAPH_WORDS = 15
#: Largest share of the page's text a chrome element may hold and still be removed.
CHROME_MAX_SHARE = 0.3
#: How many characters of text may stand between the headline and the lead.
LEAD_MAX_GAP = 600
LEAD_MIN_WORDS = 8
#: A meta description becomes the lead when at least this share of its words occur in the
#: text (it is about this article) but less than this share of its word pairs stand in one
#: paragraph (it is not a copy or paraphrase of a paragraph already there).
DESCRIPTION_MIN_SHARED = 0.6
DESCRIPTION_MAX_OVERLAP = 0.5
LEAD_MAX_WORDS = 160

HTML_SNIFF_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
HTML_TAG_SNIFF_RE = re.compile(
    r"</?(?:p|div|span|br|a|h[1-6]|article|section|table)\b[^>]*>", re.IGNORECASE
)


@dataclass
class _PageInfo:
    """What is read from the page before trafilatura changes the tree."""

    titles: list[str]
    document_title: str | None
    lead: str | None
    description: str | None
    site_name: str | None
    bylines: list[str]


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def extract_document(
    data: bytes | str,
    *,
    title: str | None = None,
    max_bytes: int = 5_000_000,
    max_depth: int = 200,
) -> ExtractedArticle:
    """Extract an article from an HTML page or a pasted text, whichever ``data`` is."""
    if looks_like_html(data):
        article = extract_html(data, max_bytes=max_bytes, max_depth=max_depth)
        if title and title.strip():
            given = normalize_text(title)
            blocks = [b for b in article.blocks if fold(b.text) != fold(given)]
            article = ExtractedArticle(given, blocks, article.author, article.published_at)
        return article
    text = data if isinstance(data, str) else decode_text(data)
    return extract_plain_text(text, title=title)


def extract_html(
    html: bytes | str,
    *,
    url: str | None = None,
    max_bytes: int = 5_000_000,
    max_depth: int = 200,
    charset: str | None = None,
) -> ExtractedArticle:
    """Extract title, body, captions, byline, author and date from an HTML page.

    ``charset`` is the one an HTTP header declared, if any (it wins over the page's own).
    Raises :class:`ExtractionError` (field ``html``) for pages over ``max_bytes`` or nested
    deeper than ``max_depth`` (checked before parsing) and for pages without article text.
    """
    size = len(html) if isinstance(html, bytes) else len(html.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ExtractionError(
            f"html: the page is {size:,} bytes, over the limit of {max_bytes:,} bytes "
            "(max_html_bytes)",
            field="html",
        )
    text = html if isinstance(html, str) else decode_html(html, charset)
    text = unicodedata.normalize("NFC", text)
    strays = check_depth(text, max_depth)
    tree = parse_html(repair_stray_paragraph_ends(text, strays))

    info = read_page_info(tree)
    meta = _trafilatura_metadata(tree, url)
    prepare_tree(tree)
    lines = _main_text_lines(tree, url)
    if not any(ln.text.strip() for ln in lines):
        raise ExtractionError("html: no article text found on the page", field="html")

    title = choose_title(info, meta.get("title"), lines)
    cleaned = clean_lines(lines, title=title or None)
    title, cleaned = prefer_displayed_headline(title, cleaned)
    cleaned = insert_lead(cleaned, info, title)
    cleaned = mark_photo_story(cleaned)
    cleaned = append_bylines(cleaned, info.bylines)
    blocks = to_blocks(cleaned)
    if not any(b.kind == "body" for b in blocks):
        raise ExtractionError("html: no article text found on the page", field="html")
    author = _clean_author(meta.get("author"), info.site_name) or _clean_author(
        _author_from(blocks), info.site_name
    )
    return ExtractedArticle(title, blocks, author, meta.get("date"))


def extract_plain_text(text: str, *, title: str | None = None) -> ExtractedArticle:
    """Clean a text pasted together with its page chrome; a clean text comes back whole.

    The title is ``title`` when given (and dropped from the text's head if repeated there),
    otherwise the first line of the article head. Raises :class:`ExtractionError` (field
    ``text``) when no article text remains.
    """
    given = normalize_text(title) if title and title.strip() else None
    raw_lines = join_wrapped_lines(unicodedata.normalize("NFC", text).splitlines())
    lines: list[Line] = []
    for raw in raw_lines:
        if raw.strip():
            lines.extend(split_glued_captions(raw.strip()))
    cleaned = clean_lines(lines, title=given)
    if given is None:
        given, cleaned = _take_title(cleaned)
        cleaned = drop_repeats(cleaned, given)
    cleaned = _split_final_byline(cleaned)
    blocks = to_blocks(cleaned)
    if not given and not blocks:
        raise ExtractionError("text: no article text found", field="text")
    return ExtractedArticle(given or "", blocks)


# --------------------------------------------------------------------------------------------
# Decoding, limits, parsing
# --------------------------------------------------------------------------------------------


def looks_like_html(data: bytes | str) -> bool:
    """Sniff: a document start (doctype, <html>, <head>...) or several block tags."""
    head = data[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "ignore")
    head = head.lstrip("\ufeff")
    if HTML_SNIFF_RE.match(head):
        return True
    return len(HTML_TAG_SNIFF_RE.findall(head)) >= 3


def _codec(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares (BOM, XML declaration, <meta charset> or http-equiv)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:CHARSET_SNIFF_BYTES]
    m = XML_ENCODING_RE.match(head) or META_CHARSET_RE.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode page bytes: the HTTP charset, else the declared one, else UTF-8, else
    windows-1258; always NFC (Python's cp1258 codec leaves combining marks)."""
    label = charset or declared_charset(data)
    candidates = []
    codec = _codec(label)
    if codec and label and label.lower() in LATIN1_LABELS:
        candidates.append("utf-8")  # mislabelled UTF-8 pages are common
    if codec:
        candidates.append(codec)
    candidates += ["utf-8", "cp1258"]
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    return unicodedata.normalize("NFC", data.decode("utf-8", "replace"))


def decode_text(data: bytes) -> str:
    """Decode a plain-text upload: BOM, else UTF-8, else windows-1258; NFC."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return unicodedata.normalize("NFC", data.decode("utf-16"))
    for name in ("utf-8-sig", "cp1258"):
        try:
            return unicodedata.normalize("NFC", data.decode(name))
        except UnicodeDecodeError:
            continue
    return unicodedata.normalize("NFC", data.decode("utf-8", "replace"))


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


def _close_implied(stack: list[str], names: set[str] | frozenset[str], stops) -> None:
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


# --------------------------------------------------------------------------------------------
# Reading the page
# --------------------------------------------------------------------------------------------


def _attr_text(el: lxml.html.HtmlElement) -> str:
    """An element's class, id, type and data-role, for pattern matching."""
    return " ".join(el.get(a) or "" for a in ("class", "id", "type", "data-role"))


def _text_of(el: lxml.html.HtmlElement) -> str:
    """An element's visible text, words separated as a browser would separate blocks."""
    return normalize_text(" ".join(el.itertext()))


def _in_non_article(el: lxml.html.HtmlElement) -> bool:
    """True when the element sits inside a related list, sidebar, menu, footer or link."""
    for anc in el.iterancestors():
        if anc.tag in ("nav", "aside", "footer", "a", "li"):
            return True
        if NOT_ARTICLE_CLASS_RE.search(_attr_text(anc)):
            return True
    return False


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    """The content of the first <meta> with one of ``names`` as property or name."""
    for name in names:
        for el in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            content = normalize_text(el.get("content") or "")
            if content:
                return content
    return None


def _text_offsets(root: lxml.html.HtmlElement) -> dict:
    """Character offset of each element's start and end in the page's text, document order."""
    offsets: dict = {}
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
        if NOT_HEADLINE_CLASS_RE.search(_attr_text(el)):
            continue
        if any(NOT_HEADLINE_CLASS_RE.search(_attr_text(a)) for a in el.iterancestors()):
            continue
        if _text_of(el):
            out.append(el)
    return out


def read_page_info(tree: lxml.html.HtmlElement) -> _PageInfo:
    """Collect headline candidates, the lead paragraph and the description from the page."""
    headlines = _headline_elements(tree)
    titles = [_text_of(el) for el in headlines]
    for name in ("og:title", "twitter:title", "title"):
        value = _meta(tree, name)
        if value:
            titles.append(value)
    titles.extend(_title_class_texts(tree))
    site_name = _meta(tree, "og:site_name", "application-name")
    title_el = tree.find(".//title")
    document_title = None
    if title_el is not None and _text_of(title_el):
        document_title = strip_site_name(_text_of(title_el), site_name)
    description = _meta(tree, "og:description", "description", "twitter:description")
    lead = find_lead(tree, headlines)
    bylines = find_bylines(tree, headlines)
    return _PageInfo(titles, document_title, lead, description, site_name, bylines)


def _title_class_texts(tree: lxml.html.HtmlElement) -> list[str]:
    """Texts of title-class elements ("title-news", "tieude") outside lists and related boxes."""
    body = tree.find("body")
    out: list[str] = []
    for el in body.iter() if body is not None else []:
        if not isinstance(el.tag, str) or el.tag not in TITLE_CLASS_TAGS:
            continue
        attrs = _attr_text(el)
        if not TITLE_CLASS_RE.search(attrs) or NOT_HEADLINE_CLASS_RE.search(attrs):
            continue
        text = _text_of(el)
        if 4 <= word_count(text) <= TITLE_MAX_WORDS and not _in_non_article(el):
            out.append(text)
            if len(out) >= 5:
                break
    return out


def find_bylines(tree: lxml.html.HtmlElement, headlines: list) -> list[str]:
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
        attrs = _attr_text(el)
        if not (BYLINE_CLASS_RE.search(attrs) or SOURCE_CLASS_RE.search(attrs)):
            continue
        text = _text_of(el)
        if not text or not is_byline(text) or _in_non_article(el):
            continue
        if offsets and offsets.get(el, [0, 0])[0] < anchor:
            continue
        if all(fold(text) != fold(t) and fold(text) not in fold(t) for t in found):
            found = [t for t in found if fold(t) not in fold(text)] + [text]
    return found


def find_lead(tree: lxml.html.HtmlElement, headlines: list) -> str | None:
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
        attrs = _attr_text(el)
        if not LEAD_CLASS_RE.search(attrs) or _in_non_article(el):
            continue
        text = _text_of(el)
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


def _trafilatura_metadata(tree: lxml.html.HtmlElement, url: str | None) -> dict:
    """Title, author and date as trafilatura reads them (on a copy of the tree)."""
    from trafilatura import extract_metadata

    try:
        doc = extract_metadata(lxml.html.fromstring(lxml.html.tostring(tree)), default_url=url)
    except Exception:  # noqa: BLE001 - metadata is optional, the text is what matters
        return {}
    return {
        "title": normalize_text(doc.title or "") or None,
        "author": normalize_text(doc.author or "") or None,
        "date": doc.date or None,
    }


# --------------------------------------------------------------------------------------------
# Preparing the tree for trafilatura
# --------------------------------------------------------------------------------------------


def prepare_tree(tree: lxml.html.HtmlElement) -> None:
    """Remove hidden elements, breadcrumbs and chrome containers; turn captions and author
    lines into marked paragraphs so that they survive extraction and can be told apart."""
    body = tree.find("body")
    if body is None:
        return
    total = len(_text_of(body)) or 1
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if _is_hidden(el):
            _drop(el)
    _remove_breadcrumbs(body)
    _remove_labelled_widgets(body, total)
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("body", "html"):
            continue
        if CHROME_CLASS_RE.search(_attr_text(el)) and len(_text_of(el)) <= CHROME_MAX_SHARE * total:
            _drop(el)
    _mark_captions(body)
    _mark_bylines(body)


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    """True for elements a reader never sees (hidden attribute, display:none...)."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _drop(el: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    el.drop_tree()


def _remove_breadcrumbs(body: lxml.html.HtmlElement) -> None:
    """Remove the small container around a "Trang chủ"/"Home" link (a breadcrumb or a
    menu's home entry)."""
    for el in list(body.iter("a", "span", "li")):
        if el.getparent() is None or fold(_text_of(el)) not in HOME_LINK_TEXTS:
            continue
        target = el
        for anc in el.iterancestors():
            if anc.tag in ("body", "html") or word_count(_text_of(anc)) > BREADCRUMB_MAX_WORDS:
                break
            target = anc
        if target.getparent() is not None:
            _drop(target)


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
        text = _text_of(el)
        if not text or word_count(text) > 6 or not is_widget_label(text):
            continue
        target = el
        for anc in el.iterancestors():
            if anc.tag in ("body", "html", "article", "main"):
                break
            if len(_text_of(anc)) > CHROME_MAX_SHARE * total or _has_paragraph(anc):
                break
            target = anc
        if target.getparent() is not None:
            _drop(target)


def _marked_paragraph(mark: str, text: str) -> lxml.html.HtmlElement:
    """A <p> holding ``text`` behind ``mark``."""
    p = lxml.html.Element("p")
    p.text = f"{mark} {text}"
    return p


def _replace_keep_tail(el: lxml.html.HtmlElement, new: lxml.html.HtmlElement) -> None:
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
            and CAPTION_CLASS_RE.search(_attr_text(el))
        ):
            if any(
                a.tag == "figcaption" or CAPTION_CLASS_RE.search(_attr_text(a))
                for a in el.iterancestors()
                if a.tag not in ("body", "html")
            ):
                continue
            text = _text_of(el)
            if text:
                _replace_keep_tail(el, _marked_paragraph(CAPTION_MARK, text))
            else:
                _drop(el)
    for fig in list(body.iter("figure")):
        fig.tag = "div"


def _mark_bylines(body: lxml.html.HtmlElement) -> None:
    """Turn short author-class elements into marked paragraphs."""
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("body", "html"):
            continue
        if not BYLINE_CLASS_RE.search(_attr_text(el)) or _in_non_article(el):
            continue
        text = _text_of(el)
        if text and word_count(text) <= 8 and not is_chrome_line(text):
            _replace_keep_tail(el, _marked_paragraph(BYLINE_MARK, text))


# --------------------------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------------------------

#: Elements inside a table cell that make the table a layout table (read cell by cell).
_CELL_BLOCKS = frozenset({"p", "head", "list", "lb", "quote", "table"})
_BLOCK_TAGS = {
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


def _main_text_lines(tree: lxml.html.HtmlElement, url: str | None) -> list[Line]:
    """The article text as lines, from trafilatura (or its baseline when it finds nothing)."""
    from trafilatura import bare_extraction
    from trafilatura.core import baseline

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
    except Exception:  # noqa: BLE001 - trafilatura can fail on odd trees; fall back below
        doc = None
    body = getattr(doc, "body", None) if doc is not None else None
    lines = list(_xml_lines(body)) if body is not None else []
    if not any(ln.text for ln in lines):
        try:
            fallback, _, _ = baseline(tree)
        except Exception:  # noqa: BLE001
            return []
        lines = list(_xml_lines(fallback))
    return [_apply_marks(part) for ln in lines for part in _split_marks(ln)]


def _xml_lines(root) -> Iterator[Line]:
    """Flatten trafilatura's XML body into lines: one per paragraph, heading, list item,
    quote or table row (cells joined); <lb/> breaks a line; text inside is whitespace-joined
    (which also joins hard-wrapped source lines)."""
    buf: list[str] = []

    def flush(hint: str) -> Iterator[Line]:
        text = normalize_text("".join(buf))
        buf.clear()
        if text:
            yield Line(text, hint)  # type: ignore[arg-type]

    def visit(el, hint: str) -> Iterator[Line]:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "lb":
            yield from flush(hint)
            return
        if tag == "row" and not any(
            isinstance(d.tag, str) and d.tag in _CELL_BLOCKS for c in el for d in c.iter()
        ):
            yield from flush(hint)
            cells = [normalize_text(" ".join(c.itertext())) for c in el]
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


def _split_marks(line: Line) -> list[Line]:
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


def _apply_marks(line: Line) -> Line:
    """Turn a marked line into a caption or byline line without its mark."""
    if line.text.startswith(CAPTION_MARK):
        return Line(line.text[len(CAPTION_MARK) :].strip(), "caption")
    if line.text.startswith(BYLINE_MARK):
        return Line(line.text[len(BYLINE_MARK) :].strip(), "byline")
    return line


# --------------------------------------------------------------------------------------------
# Title, lead, photo stories, author
# --------------------------------------------------------------------------------------------


def is_plausible_title(text: str | None) -> bool:
    """A headline, not a portlet heading (short and all lower-case, "giới thiệu"), a section
    label, chrome or a paragraph."""
    if not text:
        return False
    n = word_count(text)
    if not TITLE_MIN_WORDS <= n <= TITLE_MAX_WORDS or is_nav_term(text) or is_chrome_line(text):
        return False
    return not (n <= PORTLET_HEADING_MAX_WORDS and not any(c.isupper() for c in text))


def choose_title(info: _PageInfo, extracted: str | None, lines: list[Line]) -> str:
    """Pick the headline.

    A candidate (h1, og:title, a title-class element, <title> minus the site name,
    trafilatura's) that the article text itself shows near its start wins; else the first
    headline from the page body or its metadata; else a heading-like first line of the text
    (a <title> that the page never shows is often just the site's name); else the <title>.
    """
    strong = [t for t in info.titles if is_plausible_title(t)]
    weak = [t for t in (info.document_title, extracted) if is_plausible_title(t)]
    early = [ln for ln in lines[:8] if ln.hint not in ("caption", "byline")]
    for cand in strong + weak:
        for ln in early:
            if fold(ln.text) == fold(cand):
                return ln.text
    for cand in strong + weak:  # a shown line that the <title> starts with
        for ln in early:
            if word_count(ln.text) >= 4 and fold(cand).startswith(fold(ln.text)):
                if is_plausible_title(ln.text):
                    return ln.text
    if strong:
        return strong[0]
    for ln in early:
        if is_substantial(ln.text):
            break
        if word_count(ln.text) >= 4 and is_plausible_title(ln.text):
            return ln.text
    return weak[0] if weak else ""


def prefer_displayed_headline(title: str, lines: list[Line]) -> tuple[str, list[Line]]:
    """When the text opens with a heading that restates the title (an upper-case e-magazine
    headline, "CHỨC NĂNG, NHIỆM VỤ CỦA PHÒNG THANH TRA" under "Phòng Thanh tra"), that heading
    is the headline the reader sees: use it and drop it from the body."""
    body = [i for i, ln in enumerate(lines) if ln.hint not in ("caption", "byline")]
    if not body:
        return title, lines
    first = lines[body[0]]
    if is_substantial(first.text) or word_count(first.text) > TITLE_MAX_WORDS:
        return title, lines
    if not title:
        return first.text, lines[: body[0]] + lines[body[0] + 1 :]
    t_words, f_words = set(fold(title).split()), set(fold(first.text).split())
    if not t_words or not f_words:
        return title, lines
    jaccard = len(t_words & f_words) / len(t_words | f_words)
    contains = t_words <= f_words and (first.hint == "heading" or is_all_caps(first.text))
    if jaccard >= 0.6 or contains:
        return first.text, lines[: body[0]] + lines[body[0] + 1 :]
    return title, lines


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


def insert_lead(lines: list[Line], info: _PageInfo, title: str) -> list[Line]:
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


def _author_from(blocks: list[Block]) -> str | None:
    """The first byline that is a person's name (not "Theo ..."/"Nguồn: ...")."""
    for b in blocks:
        if b.kind == "byline" and not BYLINE_PREFIX_RE.match(b.text):
            name = BYLINE_SUFFIX_RE.sub("", b.text).strip()
            if len(name.split()) >= 2:
                return name
    return None


def _clean_author(author: str | None, site_name: str | None) -> str | None:
    """The metadata author, unless it is the site's name or a placeholder account."""
    if not author:
        return None
    key = fold(author)
    if not key or set(key.split()) <= {"admin", "administrator", "quản", "trị", "viên"}:
        return None
    if site_name and (key in fold(site_name) or fold(site_name) in key):
        return None
    return author


def _take_title(lines: list[Line]) -> tuple[str, list[Line]]:
    """The first line that is not a caption or byline becomes the title (if it is not a
    whole paragraph of more than :data:`TITLE_MAX_WORDS` words)."""
    for i, ln in enumerate(lines):
        if ln.hint in ("caption", "byline"):
            continue
        if word_count(ln.text) > TITLE_MAX_WORDS:
            return "", lines
        return ln.text, lines[:i] + lines[i + 1 :]
    return "", lines


def _split_final_byline(lines: list[Line]) -> list[Line]:
    """Split an author credit glued to the end of the last body paragraph."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].hint in ("caption", "byline"):
            continue
        text, byline = split_trailing_byline(lines[i].text)
        if byline is None:
            return lines
        return lines[:i] + [Line(text, lines[i].hint), Line(byline, "byline")] + lines[i + 1 :]
    return lines


__all__ = [
    "check_depth",
    "decode_html",
    "decode_text",
    "extract_document",
    "extract_html",
    "extract_plain_text",
    "html_depth",
    "looks_like_html",
]
