"""The ``loa`` command line: say, extract, normalize, serve, keys, migrate.

``loa extract`` and ``loa normalize`` are contracts used by checks outside the test suite:
keep their output stable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from loa.config import get_settings

if TYPE_CHECKING:
    from loa.engines.registry import Selection


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def _write_lines(lines: list[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(line.replace("\n", " ") + "\n")
    out.flush()


def cmd_extract(args: argparse.Namespace) -> int:
    from loa.text.extract import extract_document

    article = extract_document(_read_input(args.file))
    text = article.to_text(captions=args.captions)
    sys.stdout.write(text + ("\n" if text else ""))
    return 0


def _selection_for(name: str | None) -> Selection:
    """The CLI's engine: the one named, or espeak for "auto" (the CLI never probes Google)."""
    from loa.engines.registry import choose

    return choose(get_settings(), choice=name, probe=False)


def cmd_normalize(args: argparse.Namespace) -> int:
    from loa.pipeline import prepare_segments
    from loa.text.extract import extract_document
    from loa.text.normalize import find_abbreviation_definitions, normalize

    if args.lines:
        data = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        lines = data.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        out = []
        for line in lines:
            line = line.rstrip("\r")
            definitions = find_abbreviation_definitions(line)
            out.append(normalize(line, region=args.region, abbreviations=definitions))
        _write_lines(out)
        return 0
    engine = _selection_for(args.engine).engine
    article = extract_document(_read_input(args.file or "-"))
    voice = args.voice or engine.default_voice
    region = args.region or engine.region_of_voice.get(voice, "north")
    segments = prepare_segments(
        article, max_chars=engine.max_chars, region=region, captions=args.captions
    )
    _write_lines([s.text for s in segments])
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from loa.errors import InputError
    from loa.pipeline import render_article
    from loa.storage import MemoryStorage
    from loa.text.extract import extract_document

    settings = get_settings()
    engine = _selection_for(args.engine).engine
    voice = args.voice or engine.default_voice
    if voice not in engine.voices:
        print(f"loa: unknown voice {voice!r}; known: {', '.join(engine.voices)}", file=sys.stderr)
        return 2
    article = extract_document(_read_input(args.file))
    store = MemoryStorage()
    try:
        rendered = render_article(
            article, engine, voice, settings, storage=store, key="say.mp3", captions=args.captions
        )
    except InputError:
        print("loa: nothing speakable in the input", file=sys.stderr)
        return 1
    data = store.read(rendered.key) or b""
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        out = Path(args.output)
        tmp = out.with_name(f".{out.name}.part")
        tmp.write_bytes(data)
        tmp.replace(out)
        print(
            f"{out}: {rendered.duration:.1f} s, {len(rendered.segments)} segments, "
            f"{engine.name}/{voice}",
            file=sys.stderr,
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from loa.keys import OpenInProduction, check_production
    from loa.runtime import RuntimeProblem, serve

    try:
        check_production(get_settings())
    except OpenInProduction as exc:
        print(f"loa: {exc}", file=sys.stderr)
        return 2
    try:
        return serve(get_settings(), host=args.host, port=args.port)
    except RuntimeProblem as exc:
        print(f"loa: {exc}", file=sys.stderr)
        return 2


def cmd_migrate(args: argparse.Namespace) -> int:
    from loa.storage.db import migrate

    migrate(get_settings().sqlalchemy_url)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from loa import keys
    from loa.clock import as_utc, now
    from loa.contracts import is_site_name
    from loa.storage.db import migrate, session_scope

    settings = get_settings()
    migrate(settings.sqlalchemy_url)
    lines: list[str] = []  # printed once committed: a key shown is a key that exists
    with session_scope(settings.sqlalchemy_url) as session:
        if args.keys_command == "revoke":
            row = keys.revoke_key(session, args.key_id)
            if row is None:
                print(f"loa: no key with id {args.key_id}", file=sys.stderr)
                return 1
            lines.append(f"revoked {row.id} (site {row.site})")
        elif not is_site_name(args.site):
            print(f"loa: {args.site!r} is not a site name (a-z 0-9 . _ -)", file=sys.stderr)
            return 2
        elif args.keys_command == "list":
            for row in keys.list_keys(session, args.site):
                state = "active" if keys.is_active(row) else "revoked/expired"
                expiry = as_utc(row.expires_at).isoformat() if row.expires_at else "never"
                lines.append(f"{row.id}\t{row.scope}\t{state}\texpires {expiry}\t{row.label or ''}")
        else:
            expires = now() + timedelta(days=args.expires_days) if args.expires_days else None
            made = keys.create_key(
                session, args.site, args.scope, expires_at=expires, label=args.label
            )
            lines.append(
                f"key {made.row.id} for site {args.site}, scope {args.scope}; shown this once:"
            )
            lines.append(made.key)
    for line in lines:
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loa", description="Vietnamese articles to audio.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("say", help="synthesize a file (text or HTML) to MP3; no server needed")
    p.add_argument("file", help="input file, or - for stdin")
    p.add_argument("-o", "--output", required=True, help="output MP3 (or - for stdout)")
    p.add_argument("--engine", choices=["espeak", "gtts", "fake"], default=None)
    p.add_argument("--voice", default=None)
    p.add_argument("--captions", action="store_true", help="read image captions too")
    p.set_defaults(func=cmd_say)

    p = sub.add_parser("extract", help="the article as a listener hears it, before normalizing")
    p.add_argument("file", help="HTML or text file, or - for stdin")
    p.add_argument("--captions", action="store_true", help="include image captions")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("normalize", help="the text as it will be spoken, one segment a line")
    p.add_argument("file", nargs="?", default="-", help="HTML or text file, or - for stdin")
    p.add_argument(
        "--lines",
        action="store_true",
        help="normalize stdin line by line: exactly one output line per input line",
    )
    p.add_argument("--engine", choices=["espeak", "gtts", "fake"], default=None)
    p.add_argument("--voice", default=None)
    p.add_argument("--region", choices=["north", "south"], default=None)
    p.add_argument("--captions", action="store_true")
    p.set_defaults(func=cmd_normalize)

    p = sub.add_parser("serve", help="start Redis (embedded), a worker and the API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("keys", help="a site's API keys: create, list, revoke")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    k = keys_sub.add_parser("create", help="a new key; printed once, alone on the last line")
    k.add_argument("site")
    k.add_argument("--scope", choices=["write", "read"], default="write")
    k.add_argument("--expires-days", type=int, default=None, help="expire after N days")
    k.add_argument("--label", default=None, help="a note (which CMS, who)")
    k = keys_sub.add_parser("list", help="the site's keys (never the keys themselves)")
    k.add_argument("site")
    k = keys_sub.add_parser("revoke", help="revoke a key by its id")
    k.add_argument("key_id")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    import os

    from loa.logs import configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "port", 0) is None:
        args.port = int(os.environ.get("PORT", "8000"))
    if args.command == "normalize" and args.lines and args.region is None:
        args.region = "north"
    configure_logging("WARNING" if args.command in ("extract", "normalize", "say") else "INFO")
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from loa.errors import LoaError

        if isinstance(exc, LoaError):
            print(f"loa: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
