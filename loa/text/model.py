"""Data passed between the text stages: extract -> clean -> normalize -> segment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "body", "caption", "byline"]


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of an article, as the reader sees it (not yet normalized)."""

    kind: BlockKind
    text: str


@dataclass
class ExtractedArticle:
    """An article after extraction and clean-up.

    ``blocks`` holds everything after the title, in reading order: body paragraphs, captions and
    bylines (each a separate kind, so callers decide what is read aloud).
    """

    title: str
    blocks: list[Block] = field(default_factory=list)
    author: str | None = None
    published_at: str | None = None

    def readable_blocks(self, captions: bool = False) -> list[Block]:
        """The title block followed by the blocks a listener hears, in order."""
        out = [Block("title", self.title)] if self.title.strip() else []
        for b in self.blocks:
            if b.kind == "body" or (captions and b.kind == "caption"):
                out.append(b)
        return out

    def to_text(self, captions: bool = False) -> str:
        """Title on the first line, then one paragraph a line (the ``loa extract`` contract).

        Segment spans index into this string.
        """
        return "\n".join(b.text for b in self.readable_blocks(captions))


@dataclass(frozen=True)
class Segment:
    """A piece of spoken text small enough for one engine request.

    ``text`` is what the engine receives (normalized); ``start``/``end`` is the character span of
    the extracted text (``ExtractedArticle.to_text``) that this segment speaks, so a player can
    highlight the words the reader sees.
    """

    index: int
    text: str
    paragraph: int
    sentence: int
    kind: BlockKind
    start: int
    end: int
    pause_after: Literal["none", "clause", "sentence", "paragraph"] = "sentence"
