"""Helpers for the browser tests: a host site on its own origin, and host pages embedding Loa.

The host site is a plain HTTP server on another port than the API, so every request the player
makes to Loa is cross-origin, as on a real portal.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: global CSS written with no thought for an embedded widget (and some malice)
HOSTILE_CSS = (Path(__file__).with_name("data") / "hostile.css").read_text(encoding="utf-8")


class HostSite:
    """Serves ``pages`` (path -> HTML) on 127.0.0.1 and a free port; a context manager."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"  # bound to 127.0.0.1 in start()

    def add(self, path: str, page: str) -> str:
        self.pages[path] = page
        return self.origin + path

    def __enter__(self) -> HostSite:
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0])
                if self.path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                    return
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def article_html(paragraphs: Iterable[str]) -> str:
    """The article body as a CMS renders it: markup, a link, line breaks and odd whitespace."""
    out = []
    for i, para in enumerate(paragraphs):
        words = html.escape(para).split(" ")
        if len(words) > 6:
            # a link and bold text in the middle of the sentence, and a line break in the source
            words[2] = f'<a href="#p{i}">{words[2]}</a>'
            words[4] = f"<strong>{words[4]}</strong>\n   "
        out.append(f'<p id="p{i}">{" ".join(words)}</p>')
    return "\n".join(out)


def host_page(
    loa: str,
    body_html: str,
    *,
    embed: str,
    title: str = "Bài viết",
    css: str = "",
) -> str:
    """A host page with ``embed`` (the script tag or player divs) above the article body."""
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{css}</style></head>
<body><main><h1>{html.escape(title)}</h1>
{embed}
<div id="article-body">{body_html}</div>
</main></body></html>"""


def script_tag(loa: str, **data: str) -> str:
    attrs = " ".join(f'data-{k.replace("_", "-")}="{html.escape(v)}"' for k, v in data.items())
    return f'<script src="{loa}/player.js" {attrs} async></script>'
