"""``tongwen clean``: repair polluted web text — one document to stdout, or a corpus to OUTDIR."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tongwen.cli.common import Output, add_decoding_arguments, fail, report_errors
from tongwen.errors import InputError

HELP = """\
Repair polluted web text: undo GBK garbles (各自?xún)?yōu)勢 → 各自優勢), strip the readings pasted
after converted characters (代表團(tuán) → 代表團) and, with --to s, convert back to Simplified.
A document that is not polluted comes out exactly as it went in.

Without -o: each IN (default: standard input) is one document, cleaned to standard output.
With -o OUTDIR: a corpus. Inputs are files and directories (recursively, sorted; names starting
with a dot skipped); *.jsonl is JSON Lines (one object per line, the text in --field, every
other byte kept), *.parquet is Parquet (the text in column --field, other columns kept), any
other file is one plain-text document. Each input gives OUTDIR/<its name> (a directory's files
keep their path below it) in the same format, UTF-8; OUTDIR/_stats.jsonl has one JSON line per
document, in input order: source, index (records), changed, stripped, repaired, converted and
the detection. Writes are atomic; after a crash, --resume finishes the run without redoing
finished work, and the result is byte for byte that of an uninterrupted run."""

EPILOG = """\
examples:
  tongwen clean --to s page.txt > page.clean.txt
  tongwen clean crawl/ -o clean/ --workers 4              JSONL, Parquet and text files
  tongwen clean shard-*.jsonl -o clean/ --field content --to s
  tongwen clean crawl/ -o clean/ --workers 4 --resume     after an interruption
  tongwen clean data.parquet -o clean/ --engine ray       Ray Data (RAY_ADDRESS: a cluster)"""


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def add_parser(commands: Any) -> None:
    """Register ``clean``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "clean", help="repair polluted web text (garbles, pasted readings), files or corpora",
        description=HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="IN",
                        help="files, or with -o also directories (default: standard input)")
    parser.add_argument("-o", "--output", metavar="OUTDIR",
                        help="write a cleaned copy of every input, and _stats.jsonl, here")
    parser.add_argument("--to", default="keep", choices=("keep", "s"),
                        help="'s': convert repaired documents to Simplified (default: keep)")
    parser.add_argument("--field", default="text",
                        help="JSON Lines field / Parquet column with the text (default: text)")
    parser.add_argument("--engine", default="local", choices=("local", "ray"),
                        help="with -o: 'local' processes or Ray Data (default: local)")
    parser.add_argument("--workers", type=_positive, default=1, metavar="N",
                        help="with -o: worker processes; with --engine ray, the CPUs of the "
                        "local Ray it starts (default: 1)")
    parser.add_argument("--batch-size", type=_positive, default=256, metavar="N",
                        help="with -o: documents per unit of work; also the row-group size "
                        "of Parquet outputs (default: 256)")
    parser.add_argument("--resume", action="store_true",
                        help="with -o: finish an interrupted run (same inputs and options) "
                        "without redoing its finished work")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="with -o: a progress bar on stderr (default: when stderr is a "
                        "terminal)")
    add_decoding_arguments(
        parser, "plain-text input (JSON Lines and Parquet are UTF-8; output is UTF-8)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Clean to standard output, or (-o) a corpus into OUTDIR."""
    if args.output is None:
        return _to_stdout(args)
    from tongwen.corpus import Settings, clean_corpus

    if not args.inputs or "-" in args.inputs:
        return fail("with -o, name the input files or directories (not standard input)",
                    status=2)
    settings = Settings(field=args.field, to=args.to, encoding=args.encoding,
                        errors=args.errors, batch_size=args.batch_size)

    def body() -> None:
        try:
            summary = clean_corpus(args.inputs, args.output, settings=settings,
                                   engine=args.engine, workers=args.workers, resume=args.resume,
                                   progress=args.progress)
        except ImportError as error:  # an optional dependency (Ray) is missing
            raise InputError(str(error)) from None
        if args.progress or (args.progress is None and sys.stderr.isatty()):
            resumed = f", {summary.resumed} done before" if summary.resumed else ""
            print(f"tongwen clean: {summary.documents} documents{resumed}; "
                  f"{summary.changed} of {summary.processed} cleaned now changed",
                  file=sys.stderr)

    return report_errors(body)


def _to_stdout(args: argparse.Namespace) -> int:
    from tongwen.corpus.inputs import kind_of, read_text, stdin_document

    for name in args.inputs:
        if name != "-" and (os.path.isdir(name) or kind_of(name) != "text"):
            return fail(f"{name}: directories, JSON Lines and Parquet need -o OUTDIR", status=2)
    if args.resume:
        return fail("--resume needs -o OUTDIR", status=2)
    output = Output("utf-8")

    def body() -> None:
        import tongwen

        for name in args.inputs or ["-"]:
            if name == "-":
                text = stdin_document(args.encoding, args.errors)
            else:
                with open(name, "rb") as handle:
                    text = read_text(handle, encoding=args.encoding, errors=args.errors,
                                     source=name)
            output.write(tongwen.clean(text, to=args.to).text)
        output.flush()

    return report_errors(body)
