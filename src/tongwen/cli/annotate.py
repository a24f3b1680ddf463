"""``tongwen annotate``: readings for every character, line by line, streaming."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import tongwen
from tongwen.cli.common import Output, add_io_arguments, decoded_inputs, report_errors
from tongwen.readings.annotator import ONLY, READINGS, TO
from tongwen.render.formats import FORMATS
from tongwen.render.styles import STYLE_NAMES, TONE_NAMES
from tongwen.textio import iter_chunks

HELP = """\
Annotate Chinese text with its readings (pinyin or zhuyin), right for polyphones in context:
省長 shěngzhǎng but 取長補短 qǔchángbǔduǎn; traditional text reads exactly like its simplified
original. Optionally convert the script first (--to). One output line per input line.

formats (--format):  inline    團(tuán)
                     ruby      <ruby>團<rp>(</rp><rt>tuán</rt><rp>)</rp></ruby>  (HTML)
                     readings  the readings alone: tuán
                     tokens    JSON Lines: {"text": ..., "tokens": [{"char", "reading",
                               "source"}, ...]}, one token per character
which characters (--only): all, polyphonic (2+ readings), converted (changed by --to),
                     rare (frequency rank above --rank); --chars SET narrows any of them."""

EPILOG = """\
examples:
  echo '省长说要取长补短' | tongwen annotate
  echo '省长说要取长补短' | tongwen annotate --to tw --format ruby
  tongwen annotate --style zhuyin --readings tw notes.txt
  tongwen annotate --only polyphonic --tone numbers --format tokens corpus.txt
  tongwen annotate --to t --chars 團學關 page.txt
  tongwen annotate --dict names.tsv --sandhi text.txt    (names.tsv: 重庆<TAB>chong2 qing4)"""

#: Characters per chunk; a line is never split across calls.
CHUNK_CHARS = 1 << 18


def add_parser(commands: Any) -> None:
    """Register ``annotate``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "annotate", help="annotate text with pinyin or zhuyin readings",
        description=HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--to", default="keep", choices=TO,
                        help="convert the script first (default: keep the input's)")
    parser.add_argument("--format", default="inline", choices=tuple(FORMATS),
                        help="output format (default: %(default)s)")
    parser.add_argument("--style", default="pinyin", choices=STYLE_NAMES,
                        help="pinyin or zhuyin (bopomofo) (default: %(default)s)")
    parser.add_argument("--tone", default="marks", choices=TONE_NAMES,
                        help="tone marks (zhǎng), numbers (zhang3, 5 = neutral) or none")
    parser.add_argument("--readings", default="standard", choices=READINGS,
                        help="'tw': Taiwan readings where they differ (垃圾 lèsè)")
    parser.add_argument("--sandhi", action="store_true",
                        help="write spoken tones: 一 and 不 before other tones, third tones")
    parser.add_argument("--only", default="all", choices=ONLY,
                        help="which characters get a reading (default: all)")
    parser.add_argument("--rank", type=int, default=None, metavar="N",
                        help="with --only rare: characters below frequency rank N "
                        "(default: 3000)")
    parser.add_argument("--chars", metavar="SET",
                        help="only these characters get a reading (e.g. 長行重)")
    parser.add_argument("--dict", metavar="FILE",
                        help="your word readings, a UTF-8 TSV: 'word<TAB>reading reading ...'")
    parser.add_argument("--from", dest="source", default="auto",
                        choices=("auto", "s", "t", "tw", "hk"),
                        help="script of the input; 'auto' detects it per file (default)")
    add_io_arguments(parser)
    parser.set_defaults(run=run)


def _annotator(args: argparse.Namespace, source: str) -> tongwen.Annotator:
    return tongwen.Annotator(
        to=args.to, style=args.style, tone=args.tone, readings=args.readings,
        sandhi=args.sandhi, only=args.only, rank=args.rank, chars=args.chars,
        format=args.format, user_words=args.dict, source=source,
    )


def _lines(chunks: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(line, line ending) pairs split at '\n' only; a line is whole even when a chunk ended
    inside it. The ending is '\n', '\r\n' or '' (the last line)."""
    pending = ""
    for chunk in chunks:
        lines = (pending + chunk).split("\n")
        pending = lines.pop()
        for line in lines:
            if line.endswith("\r"):
                yield line[:-1], "\r\n"
            else:
                yield line, "\n"
    if pending:
        yield pending, ""


def run(args: argparse.Namespace) -> int:
    """Annotate every input to standard output."""
    output = Output(args.output_encoding)

    def body() -> None:
        _annotator(args, "s")  # options and --dict are checked before any input is read
        for pieces in decoded_inputs(args):
            chunks = iter_chunks(pieces, chunk_chars=CHUNK_CHARS)
            first = next(chunks, None)
            if first is None:
                continue
            # The script is detected once per file, from its first chunk.
            source = _annotator(args, args.source).source_of(first)
            annotator = _annotator(args, source)
            for line, ending in _lines(itertools.chain([first], chunks)):
                output.write(annotator.annotate(line) + ending)
        output.flush()

    return report_errors(body)
