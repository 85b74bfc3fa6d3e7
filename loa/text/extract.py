"""Turn a Vietnamese web page or a pasted text into an :class:`ExtractedArticle`.

``extract_html`` runs trafilatura for the main text and metadata and then repairs what it is
known to get wrong on Vietnamese pages: the lead (sapo) paragraph it drops on newspaper
templates, portlet headings it takes for the headline on government portals, breadcrumbs,
widgets, date lines and bylines it keeps, captions it drops or mixes into the body.
``extract_plain_text`` cleans text pasted together with its page chrome. Both share the
line-level clean-up in :mod:`loa.text.clean`; this module only orchestrates:

- :mod:`loa.text.decode` (charsets, NFC, entities), :mod:`loa.text.htmlscan` (limits, parsing),
- :mod:`loa.text.page` (title, lead, bylines), :mod:`loa.text.prepare` and
  :mod:`loa.text.maintext` (trafilatura), :mod:`loa.text.fragment` (CMS body fragments),
- :mod:`loa.text.clean`, :mod:`loa.text.tails`, :mod:`loa.text.headline`,
  :mod:`loa.text.postpass` (clean-up passes).
"""

from __future__ import annotations

import unicodedata

import lxml.html

from loa.errors import ExtractionError
from loa.text.clean import clean_fragment, clean_lines, drop_repeats, to_blocks
from loa.text.decode import (
    decode_entities,
    decode_html,
    decode_text,
    drop_controls,
    looks_like_html,
)
from loa.text.fragment import (
    expand_shortcodes,
    first_heading,
    fragment_lines,
    is_bare_page,
    is_fragment,
)
from loa.text.glued import join_wrapped_lines, split_glued_captions
from loa.text.head import read_page_head
from loa.text.headline import (
    choose_title,
    is_plausible_title,
    prefer_displayed_headline,
    take_title,
)
from loa.text.htmlscan import (
    check_depth,
    check_size,
    html_depth,
    parse_html,
    repair_stray_paragraph_ends,
)
from loa.text.lines import Line
from loa.text.maintext import main_text_lines, trafilatura_metadata
from loa.text.model import ExtractedArticle
from loa.text.page import PageInfo, read_page_info
from loa.text.postpass import (
    append_bylines,
    author_from,
    clean_author,
    insert_lead,
    mark_photo_story,
    split_final_byline,
)
from loa.text.prepare import prepare_tree
from loa.text.words import fold, normalize_text


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
    check_size(html, max_bytes)
    text = html if isinstance(html, str) else decode_html(html, charset)
    text = drop_controls(unicodedata.normalize("NFC", text))
    fragment = is_fragment(text)
    if fragment:
        text = expand_shortcodes(text)
    strays = check_depth(text, max_depth)
    tree = parse_html(repair_stray_paragraph_ends(text, strays))

    info = read_page_info(tree)
    meta = trafilatura_metadata(tree, url)
    if fragment or is_bare_page(tree):
        heading = first_heading(tree) or info.document_title or ""
        prepare_tree(tree)
        title, cleaned = _read_fragment(tree, heading)
    else:
        prepare_tree(tree)
        title, cleaned = _read_page(tree, url, info, meta.get("title"))
    cleaned = append_bylines(cleaned, info.bylines)
    blocks = to_blocks(cleaned)
    if not any(b.kind == "body" for b in blocks):
        raise ExtractionError("html: no article text found on the page", field="html")
    author = clean_author(meta.get("author"), info.site_name) or clean_author(
        author_from(blocks), info.site_name
    )
    return ExtractedArticle(title, blocks, author, meta.get("date"))


def _read_page(
    tree: lxml.html.HtmlElement, url: str | None, info: PageInfo, meta_title: str | None
) -> tuple[str, list[Line]]:
    """A whole page: trafilatura's main text, the headline, clean-up, the lead put back."""
    lines = main_text_lines(tree, url)
    if not any(ln.text.strip() for ln in lines):
        raise ExtractionError("html: no article text found on the page", field="html")
    title = choose_title(info, meta_title, lines)
    cleaned = clean_lines(lines, title=title or None)
    title, cleaned = prefer_displayed_headline(title, cleaned)
    cleaned = insert_lead(cleaned, info, title)
    return title, mark_photo_story(cleaned)


def _read_fragment(tree: lxml.html.HtmlElement, heading: str) -> tuple[str, list[Line]]:
    """A CMS fragment: every block in order; its first <h1> is the title."""
    lines = fragment_lines(tree)
    title = heading if is_plausible_title(heading) else ""
    if title:
        at = next((i for i, ln in enumerate(lines) if ln.text == title), None)
        if at is not None:
            lines = lines[:at] + lines[at + 1 :]
    return title, mark_photo_story(clean_fragment(lines, title=title or None))


def extract_plain_text(text: str, *, title: str | None = None) -> ExtractedArticle:
    """Clean a text pasted together with its page chrome; a clean text comes back whole.

    The title is ``title`` when given (and dropped from the text's head if repeated there),
    otherwise the first line of the article head. Raises :class:`ExtractionError` (field
    ``text``) when no article text remains.
    """
    given = normalize_text(decode_entities(title)) if title and title.strip() else None
    text = drop_controls(decode_entities(unicodedata.normalize("NFC", text)))
    raw_lines = join_wrapped_lines(text.splitlines())
    lines: list[Line] = []
    for raw in raw_lines:
        if raw.strip():
            lines.extend(split_glued_captions(raw.strip()))
    head_title, lines = read_page_head(lines)
    given = given or (normalize_text(head_title) if head_title else None)
    cleaned = clean_lines(lines, title=given)
    if given is None:
        given, cleaned = take_title(cleaned)
        cleaned = drop_repeats(cleaned, given)
    cleaned = split_final_byline(cleaned)
    blocks = to_blocks(cleaned)
    if not given and not blocks:
        raise ExtractionError("text: no article text found", field="text")
    return ExtractedArticle(given or "", blocks)


__all__ = [
    "ExtractionError",
    "check_depth",
    "decode_html",
    "decode_text",
    "extract_document",
    "extract_html",
    "extract_plain_text",
    "html_depth",
    "is_plausible_title",
    "looks_like_html",
]
