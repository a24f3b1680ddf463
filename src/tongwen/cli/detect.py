"""``tongwen detect``: is each document polluted web text? One JSON line per document."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any

from tongwen.cli.common import Output, add_decoding_arguments, report_errors

HELP = """\
Detect polluted web text: readings pasted after converted characters (代表團(tuán)), GBK garbles.
Prints one JSON object per document: per record for JSON Lines (*.jsonl, the text in --field)
and Parquet (*.parquet, column --field), per file otherwise (standard input is one document):

  {"source": "a.jsonl", "index": 0, "polluted": true, "score": 0.99, "han": ..., "annotations":
   ..., "fitting": ..., "converted": ..., "garbles": ..., "density": ...}

"index" (from 0, records only); "polluted" is the decision, "score" in [0, 1]; the rest is the
evidence: Han characters, 字(reading) annotations, those whose reading fits the character, those
on converted (traditional-only) characters, GBK garbles, and annotations per Han character.
Directories stand for their files, recursively, sorted."""

EPILOG = """\
examples:
  tongwen detect page.txt
  tongwen detect crawl/ --field content | jq -c 'select(.polluted)'
  curl -s https://example.com/ | tongwen detect"""


def add_parser(commands: Any) -> None:
    """Register ``detect``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "detect", help="detect polluted web text (pasted readings, GBK garbles)",
        description=HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="IN",
                        help="files or directories (default: standard input); '-' is "
                        "standard input")
    parser.add_argument("--field", default="text",
                        help="JSON Lines field / Parquet column with the text (default: text)")
    add_decoding_arguments(parser, "plain-text input (JSON Lines and Parquet are UTF-8)")
    parser.set_defaults(run=run)


def _documents(args: argparse.Namespace) -> Iterator[tuple[str, int | None, str]]:
    from tongwen.corpus.inputs import expand_inputs, iter_documents, stdin_document

    for name in args.inputs or ["-"]:
        if name == "-":
            yield "<stdin>", None, stdin_document(args.encoding, args.errors)
            continue
        for file in expand_inputs([name]):
            for index, text in iter_documents(file, field=args.field, encoding=args.encoding,
                                              errors=args.errors):
                yield file.source, index, text


def run(args: argparse.Namespace) -> int:
    """Print the detection of every document."""
    output = Output("utf-8")

    def body() -> None:
        import tongwen

        for source, index, text in _documents(args):
            record: dict[str, object] = {"source": source}
            if index is not None:
                record["index"] = index
            record.update(tongwen.detect(text).as_dict())
            output.write(json.dumps(record, ensure_ascii=False) + "\n")
        output.flush()

    return report_errors(body)
