"""``tongwen convert``: stream text (or HTML) from files or stdin to stdout, converted."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from typing import Any

import tongwen
from tongwen.cli.common import Output, add_io_arguments, decoded_inputs, report_errors
from tongwen.conversion.schemes import SOURCES, TARGETS
from tongwen.markup import split_markup
from tongwen.textio import iter_chunks

HELP = """\
Convert Chinese text between scripts, line by line, streaming: any file size, flat memory.

targets (--to):  s    Simplified
                 t    Traditional, OpenCC standard (爲 羣 裏 着)
                 tw   Traditional, Taiwan standard forms (為 群 裡 著)
                 hk   Traditional, Hong Kong standard forms (為 羣 裏 着)
                 twp  Taiwan forms and Taiwan vocabulary (软件 → 軟體, opt-in)

Phrases beat characters (头发 → 頭髮, 发展 → 發展); where a simplified character still has
several traditional forms, a context model trained on human-typed Taiwan and Hong Kong text
chooses (--no-context: the first form, as OpenCC does). Every character that no table converts comes
out exactly as it went in, and every line stays a line. Invalid input bytes stop the run with
the byte offset of the first one (exit 1), unless --errors replace."""

EPILOG = """\
examples:
  echo '头发和发展' | tongwen convert --to tw
  tongwen convert --to s --from tw a.txt b.txt > out.txt
  tongwen convert --to tw --encoding gb18030 old.txt
  tongwen convert --to hk --html page.html > page.hk.html
  tongwen convert --to tw --dict names.tsv notes.txt     (names.tsv: 余秋雨<TAB>余秋雨)
  echo '干部在干活' | tongwen convert --to tw --inspect  (show each stage and token)"""

#: Characters per chunk handed to the converter (a line is never cut inside a phrase).
CHUNK_CHARS = 1 << 18


def add_parser(commands: Any) -> None:
    """Register ``convert``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "convert", help="convert text between Simplified and Traditional scripts",
        description=HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--to", required=True, choices=TARGETS, help="target script")
    parser.add_argument("--from", dest="source", default="auto", choices=SOURCES,
                        help="source script; 'auto' detects it per file (default)")
    parser.add_argument("--dict", metavar="FILE",
                        help="user phrases, a UTF-8 TSV of 'key<TAB>value' lines; they beat "
                        "every packaged entry")
    parser.add_argument("--html", action="store_true",
                        help="input is HTML: convert text only; tags, attributes, comments, "
                        "scripts and styles pass through untouched")
    parser.add_argument("--normalize", action="store_true",
                        help="map CJK compatibility ideographs to unified ones first "
                        "(off by default: nothing is normalised unless asked)")
    parser.add_argument("--no-context", dest="context", action="store_false",
                        help="no context model: where phrases leave a choice, take the first "
                        "traditional form (OpenCC's behaviour)")
    parser.add_argument("--inspect", action="store_true",
                        help="instead of converting, show each stage and token of every line")
    add_io_arguments(parser)
    parser.set_defaults(run=run)


class _LazyConverter:
    """Builds the Converter on first use, detecting the source from the first text it sees."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.converter: tongwen.Converter | None = None

    def get(self, sample: str) -> tongwen.Converter:
        if self.converter is None:
            source = self.args.source
            if source == "auto":
                source = tongwen.Converter(to=self.args.to).source_of(sample)
            self.converter = tongwen.Converter(
                to=self.args.to, source=source, user_phrases=self.args.dict,
                normalize=self.args.normalize, context=self.args.context,
            )
        return self.converter

    def find_cut(self, text: str) -> int:
        return self.get(text).find_cut(text)


def _converted(chunks: Iterable[str], lazy: _LazyConverter, html: bool) -> Iterator[str]:
    if not html:
        for chunk in chunks:
            yield lazy.get(chunk).convert(chunk)
        return
    for piece, is_text in split_markup(chunks):
        yield lazy.get(piece).convert(piece) if is_text else piece


def run(args: argparse.Namespace) -> int:
    """Convert every input to standard output."""
    output = Output(args.output_encoding)

    def body() -> None:
        if args.dict:
            tongwen.Converter(to=args.to, source="s", user_phrases=args.dict)  # check it early
        for pieces in decoded_inputs(args):
            lazy = _LazyConverter(args)
            chunks = iter_chunks(pieces, chunk_chars=CHUNK_CHARS, find_cut=lazy.find_cut)
            if args.inspect:
                _inspect(chunks, lazy, output)
                continue
            for text in _converted(chunks, lazy, args.html):
                output.write(text)
        output.flush()

    return report_errors(body)


def _inspect(chunks: Iterable[str], lazy: _LazyConverter, output: Output) -> None:
    for chunk in chunks:
        for line in chunk.splitlines():
            output.write(f"{lazy.get(chunk).inspect(line)}\n")
