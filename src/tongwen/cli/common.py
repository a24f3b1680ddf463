"""Pieces the subcommands share: input streams, output encoding, error reports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

__all__ = ["ENCODINGS", "Output", "add_io_arguments", "fail", "open_inputs"]

ENCODINGS = ("utf-8", "gb18030", "big5")


def fail(message: str, status: int = 1) -> int:
    """Print ``tongwen: error: message`` to stderr; return ``status``."""
    print(f"tongwen: error: {message}", file=sys.stderr)
    return status


def add_io_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE arguments, input/output encodings and the invalid-byte policy."""
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="input files (default: standard input); '-' is standard input")
    parser.add_argument("--encoding", choices=ENCODINGS, default="utf-8",
                        help="encoding of the input (default: %(default)s)")
    parser.add_argument("--output-encoding", choices=ENCODINGS, default="utf-8",
                        help="encoding of the output (default: %(default)s)")
    parser.add_argument("--errors", choices=("strict", "replace"), default="strict",
                        help="invalid input bytes: 'strict' stops with the byte offset, "
                        "'replace' writes U+FFFD instead (default: %(default)s)")


@contextmanager
def open_inputs(files: list[str]) -> Iterator[Iterator[tuple[str, BinaryIO]]]:
    """Yield (name, binary stream) for each input; standard input when there are none."""

    def streams() -> Iterator[tuple[str, BinaryIO]]:
        for name in files or ["-"]:
            if name == "-":
                yield "<stdin>", sys.stdin.buffer
                continue
            with open(name, "rb") as handle:
                yield name, handle

    yield streams()


class Output:
    """Encoded writes to standard output; an unencodable character is a clear error."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.stream = sys.stdout.buffer

    def write(self, text: str) -> None:
        try:
            data = text.encode(self.encoding)
        except UnicodeEncodeError as error:
            char = error.object[error.start]
            raise OutputEncodingError(
                f"{char!r} (U+{ord(char):04X}) cannot be written in {self.encoding}; "
                "choose another --output-encoding"
            ) from None
        self.stream.write(data)

    def flush(self) -> None:
        self.stream.flush()


class OutputEncodingError(Exception):
    """A character the output encoding cannot hold."""
