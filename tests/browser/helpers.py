"""Reading the player's state from a page (its Shadow DOM is open)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import axe_playwright_python

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")

PLAYER_STATE_JS = """(host) => {
  const root = host.shadowRoot, a = root.querySelector('audio');
  const sl = root.querySelector('[role=slider]');
  const p = host._loaPlayer;
  return {
    hidden: host.hasAttribute('data-loa-hidden'),
    main: root.querySelector('.main').textContent.trim(),
    now: Number(sl.getAttribute('aria-valuenow')),
    max: Number(sl.getAttribute('aria-valuemax')),
    valuetext: sl.getAttribute('aria-valuetext'),
    time: p ? p.pos() : 0, paused: a.paused, rate: a.playbackRate, src: a.currentSrc || a.src,
    mode: p ? p.mode : null,
    speed: root.querySelector('.sp').getAttribute('aria-label'),
  };
}"""


def fold(text: str) -> str:
    """Letters and digits only, without diacritics, lowercased (as the player compares)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed.lower() if unicodedata.category(c)[0] in "LN")


def player_state(page: Any, selector: str = "loa-player") -> dict[str, Any]:
    return page.eval_on_selector(selector, PLAYER_STATE_JS)


def highlighted(page: Any) -> dict[str, Any]:
    """The text under the loa-reading highlight (the sentence), under loa-word (the word; None
    when no word is lit) and the position heard at that moment."""
    return page.evaluate(
        """() => {
        const text = (name) => {
            const h = CSS.highlights.get(name);
            return h && h.size ? [...h][0].toString() : null;
        };
        const host = document.querySelector('loa-player, [data-loa-player]');
        return {text: text('loa-reading'), word: text('loa-word'), time: host._loaPlayer.pos()};
    }"""
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page (player's Shadow DOM included)."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
