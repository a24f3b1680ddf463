"""The ``tongwen`` command: one module per subcommand, each with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tongwen.cli import annotate, clean, convert, detect, serve
from tongwen.cli.common import fail

__all__ = ["build_parser", "main"]

#: Subcommands in the order ``--help`` lists them. A new command adds its module here.
COMMANDS = (convert, annotate, clean, detect, serve)

EPILOG = """\
examples:
  echo '头发和发展' | tongwen convert --to tw          頭髮和發展
  tongwen convert --to s --from tw page.txt > page.s.txt
  tongwen convert --to hk --html index.html          text nodes only; tags untouched
  echo '省长说要取长补短' | tongwen annotate --to tw     省(shěng)長(zhǎng)...
  tongwen clean --to s page.txt                      strip pasted readings, undo garbles
  tongwen clean crawl/ -o clean/ --workers 2         a corpus: files, JSONL, Parquet
  tongwen detect crawl.jsonl                         one JSON verdict per document
  tongwen serve --port 8000                          HTTP API and docs at /docs

run 'tongwen COMMAND --help' for each command's options."""


def _version() -> str:
    import tongwen

    data = ", ".join(f"{name} {version}" for name, version in tongwen.data_version().items())
    return f"tongwen {tongwen.__version__} (data: {data})"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tongwen",
        description="Convert Chinese text between scripts (Simplified, Traditional, Taiwan, "
        "Hong Kong), annotate its readings (pinyin, zhuyin), repair polluted web text, and "
        "serve it all over HTTP.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print library and data versions")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 bad input, 2 bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(_version())
        return 0
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return fail("interrupted", status=130)
    return status
