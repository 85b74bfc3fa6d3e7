"""Decoding: what a document is (HTML or text), its charset, NFC text; HTML entities in text."""

from __future__ import annotations

import codecs
import html
import html.entities
import re
import unicodedata

from loa.text.datafiles import DATA_DIR, read_rows_at

#: How far into the document a charset declaration is looked for.
CHARSET_SNIFF_BYTES = 8192


META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")


_CHARSET_ROWS = read_rows_at(DATA_DIR / "charsets.tsv")
#: Labels that browsers treat as windows-1252; pages so labelled are often really UTF-8.
LATIN1_LABELS = frozenset(row[1] for row in _CHARSET_ROWS if row[0] == "latin1")
#: Charset labels Python spells differently.
CHARSET_ALIASES = {row[1]: row[2] for row in _CHARSET_ROWS if row[0] == "alias" and len(row) > 2}
HTML_SNIFF_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)


HTML_TAG_SNIFF_RE = re.compile(
    r"</?(?:p|div|span|br|a|h[1-6]|article|section|table)\b[^>]*>", re.IGNORECASE
)


#: C0 control characters other than tab and line breaks, DEL, and the C1 controls: never
#: shown, never read (lxml refuses the C0 ones in element text; a C1 one reached the engine
#: in a segment, found by tests/unit/test_frontend_properties.py).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: A character reference: named (``&amp;``), decimal (``&#39;``) or hexadecimal (``&#x2F;``).
ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


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


def decode_entities(text: str) -> str:
    """Decode the HTML character references in a text (``&amp;`` -> ``&``, ``&nbsp;`` -> a
    no-break space); drop unknown or invalid ones (``&lol9;``) so they are never read out
    letter by letter. A bare ``&`` ("R&D") is left alone."""
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        ref = m.group(0)
        if ref[1] != "#":
            return html.entities.html5.get(ref[1:], "")
        decoded = html.unescape(ref)
        if decoded in (ref, "\ufffd") or not (decoded.isprintable() or decoded.isspace()):
            return ""
        return decoded

    return unicodedata.normalize("NFC", ENTITY_RE.sub(one, text))


def drop_controls(text: str) -> str:
    """Remove control characters (other than tab, line feed, carriage return) from a text."""
    return CONTROL_RE.sub("", text)
