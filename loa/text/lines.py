"""The unit both extractors hand to the clean-up passes: a :class:`Line` with a hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from loa.text.model import Block

LineHint = Literal["text", "heading", "item", "cell", "quote", "caption", "byline", "boundary"]


@dataclass(frozen=True)
class Line:
    """One paragraph-level piece of text on its way to becoming a :class:`Block`.

    ``hint`` is what the source says the piece is (an HTML heading, list item, table row, a
    caption element...); ``boundary`` marks where dropped chrome stood.
    """

    text: str
    hint: LineHint = "text"


def to_blocks(lines: Iterable[Line]) -> list[Block]:
    """Map hints to block kinds: captions and bylines keep theirs, everything else is body."""
    blocks: list[Block] = []
    for ln in lines:
        if ln.hint == "boundary" or not ln.text:
            continue
        kind = ln.hint if ln.hint in ("caption", "byline") else "body"
        blocks.append(Block(kind, ln.text))
    return blocks
