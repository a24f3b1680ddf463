"""Pieces the subcommands share: input streams, output encoding, error reports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator

from tongwen.errors import InputError, UnknownSchemeError
from tongwen.textio import iter_decoded

__all__ = [
    "ENCODINGS",
    "Output",
    "OutputEncodingError",
    "add_decoding_arguments",
    "add_io_arguments",
    "decoded_inputs",
    "fail",
    "report_errors",
]

ENCODINGS = ("utf-8", "gb18030", "big5")


def fail(message: str, status: int = 1) -> int:
    """Print ``tongwen: error: message`` to stderr; return ``status``."""
    print(f"tongwen: error: {message}", file=sys.stderr)
    return status


def add_io_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE arguments, input/output encodings and the invalid-byte policy."""
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="input files (default: standard input); '-' is standard input")
    add_decoding_arguments(parser, "the input")
    parser.add_argument("--output-encoding", choices=ENCODINGS, default="utf-8",
                        help="encoding of the output (default: %(default)s)")


def add_decoding_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """``--encoding`` of ``what`` and ``--errors`` (the invalid-byte policy)."""
    parser.add_argument("--encoding", choices=ENCODINGS, default="utf-8",
                        help=f"encoding of {what} (default: %(default)s)")
    parser.add_argument("--errors", choices=("strict", "replace"), default="strict",
                        help="invalid input bytes: 'strict' stops with the byte offset, "
                        "'replace' reads them as U+FFFD (default: %(default)s)")


def decoded_inputs(args: argparse.Namespace) -> Iterator[Iterator[str]]:
    """For each input (FILE arguments, else standard input), its decoded text in pieces."""
    for name in args.files or ["-"]:
        if name == "-":
            yield iter_decoded(sys.stdin.buffer, encoding=args.encoding, errors=args.errors,
                               source="<stdin>")
            continue
        with open(name, "rb") as handle:
            yield iter_decoded(handle, encoding=args.encoding, errors=args.errors, source=name)


def report_errors(body: Callable[[], None]) -> int:
    """Run a command's body: bad input or options, unencodable output and unreadable files
    print one line and give exit status 1."""
    try:
        body()
    except (InputError, UnknownSchemeError, OutputEncodingError) as error:
        return fail(str(error))
    except BrokenPipeError:
        raise  # handled once, in main
    except OSError as error:
        return fail(f"{error.filename}: {error.strerror}" if error.filename else str(error))
    return 0


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
