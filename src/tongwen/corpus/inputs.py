"""Corpus inputs: which files a run reads, in which order, and the documents inside them.

An input argument is a file or a directory. A directory stands for every regular file below it
whose name does not start with a dot, recursively, sorted by relative path (component by
component). A file's kind follows its name: ``*.jsonl`` is JSON Lines (one JSON object per
line, the text in a string field), ``*.parquet`` is Parquet (the text in a string column), any
other file is one plain-text document. JSON Lines and Parquet are UTF-8 by definition; plain text
is decoded with the run's encoding.
"""

from __future__ import annotations

import errno
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Literal

from tongwen.errors import InputError
from tongwen.textio import iter_decoded

__all__ = [
    "InputFile",
    "Kind",
    "expand_inputs",
    "is_record",
    "iter_documents",
    "iter_parquet_texts",
    "iter_record_batches",
    "kind_of",
    "parquet_rows",
    "parse_record",
    "read_text",
    "stdin_document",
]

Kind = Literal["text", "jsonl", "parquet"]


@dataclass(frozen=True)
class InputFile:
    """One input file: ``path`` to open, ``source`` (its name in stats and detect output: the
    argument as given, joined with the path below it for a directory's files), ``rel`` (its
    output path relative to OUTDIR, POSIX separators) and ``kind``."""

    path: str
    source: str
    rel: str
    kind: Kind


def kind_of(path: str) -> Kind:
    """``jsonl`` for ``*.jsonl``, ``parquet`` for ``*.parquet`` (any case), else ``text``."""
    lower = path.lower()
    if lower.endswith(".jsonl"):
        return "jsonl"
    if lower.endswith(".parquet"):
        return "parquet"
    return "text"


def expand_inputs(arguments: Sequence[str]) -> list[InputFile]:
    """The input files that ``arguments`` stand for, in argument order (a directory's files
    sorted by relative path). A file's ``rel`` is its base name; a directory's files keep their
    path below the directory. Raises FileNotFoundError for an argument that does not exist."""
    files: list[InputFile] = []
    for argument in arguments:
        if os.path.isdir(argument):
            members: list[tuple[tuple[str, ...], str]] = []
            for root, dirs, names in os.walk(argument):
                dirs[:] = [name for name in dirs if not name.startswith(".")]
                for name in names:
                    full = os.path.join(root, name)
                    if name.startswith(".") or not os.path.isfile(full):
                        continue
                    rel = PurePosixPath(*os.path.relpath(full, argument).split(os.sep))
                    members.append((rel.parts, full))
            for parts, full in sorted(members):
                rel_name = "/".join(parts)
                source = os.path.join(argument, rel_name)
                files.append(InputFile(full, source, rel_name, kind_of(rel_name)))
        elif os.path.exists(argument):
            files.append(InputFile(argument, argument, os.path.basename(argument),
                                   kind_of(argument)))
        else:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), argument)
    return files


def read_text(handle: BinaryIO, *, encoding: str, errors: str, source: str) -> str:
    """The whole decoded text of ``handle`` (exactly as decoded; InputError on invalid bytes
    with ``errors="strict"``, carrying the byte offset)."""
    return "".join(iter_decoded(handle, encoding=encoding, errors=errors, source=source))


def is_record(line: bytes) -> bool:
    """True for a JSON Lines line that holds a record; blank lines hold none and pass through."""
    return bool(line.strip())


def iter_record_batches(lines: Iterable[bytes], batch_size: int) -> Iterator[list[bytes]]:
    """Group raw JSON Lines lines into batches of ``batch_size`` records, blank lines riding
    with the record before them (leading ones with the first batch). Concatenated, the batches
    are exactly the lines; a file with no line gives no batch."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    batch: list[bytes] = []
    records = 0
    for line in lines:
        record = is_record(line)
        if record and records == batch_size:
            yield batch
            batch, records = [], 0
        batch.append(line)
        records += record
    if batch:
        yield batch


def parse_record(line: bytes, field: str, *, errors: str, source: str,
                 line_number: int) -> tuple[str, str]:
    """Decode a JSON Lines record and return (the line's text without its line ending, the
    string in ``field``). InputError, naming the source and line, for bytes that are not UTF-8
    (under ``errors="strict"``), a line that is not a JSON object, or a missing or non-string
    field."""
    body = line.rstrip(b"\r\n")
    try:
        text = body.decode("utf-8", errors)
    except UnicodeDecodeError as error:
        raise InputError(f"invalid UTF-8 at byte {error.start} of the line; use --errors "
                         "replace to substitute U+FFFD", source=source, line=line_number) from None
    try:
        record: Any = json.loads(text)
    except ValueError as error:
        raise InputError(f"invalid JSON ({error})", source=source, line=line_number) from None
    if not isinstance(record, dict):
        raise InputError("a JSON Lines record must be an object", source=source,
                         line=line_number)
    value = record.get(field)
    if not isinstance(value, str):
        what = "no" if field not in record else f"a {type(value).__name__}, not a string, in"
        raise InputError(f"{what} field {field!r}", source=source, line=line_number)
    return text, value


def _parquet_file(path: str, field: str, source: str) -> Any:
    """An open ``pyarrow.parquet.ParquetFile`` whose ``field`` column holds strings."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise InputError("Parquet input needs pyarrow: pip install 'tongwen[corpus]'",
                         source=source) from None
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowException as error:
        raise InputError(f"not a readable Parquet file ({error})", source=source) from None
    schema = parquet.schema_arrow
    if field not in schema.names:
        raise InputError(f"no column {field!r} (columns: {', '.join(schema.names)})",
                         source=source)
    kind = schema.field(field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputError(f"column {field!r} holds {kind}, not strings", source=source)
    return parquet


def parquet_rows(path: str, field: str, source: str) -> int:
    """The number of rows of a Parquet file, from its footer (checks the text column)."""
    return int(_parquet_file(path, field, source).metadata.num_rows)


def iter_parquet_texts(path: str, field: str, batch_size: int, *,
                       source: str) -> Iterator[list[str | None]]:
    """The ``field`` column of a Parquet file, ``batch_size`` rows at a time (fewer at the
    end), in row order; nulls come as None."""
    parquet = _parquet_file(path, field, source)
    for batch in parquet.iter_batches(batch_size=batch_size, columns=[field]):
        yield batch.column(0).to_pylist()


def iter_documents(file: InputFile, *, field: str, encoding: str,
                   errors: str) -> Iterator[tuple[int | None, str]]:
    """Each document of ``file`` as (record index or None for a plain-text file, text), in
    order; records are numbered from 0, blank JSON Lines lines skipped."""
    if file.kind == "text":
        with open(file.path, "rb") as handle:
            yield None, read_text(handle, encoding=encoding, errors=errors, source=file.source)
    elif file.kind == "jsonl":
        index = 0
        with open(file.path, "rb") as handle:
            for number, line in enumerate(handle, 1):
                if is_record(line):
                    yield index, parse_record(line, field, errors=errors, source=file.source,
                                              line_number=number)[1]
                    index += 1
    else:
        index = 0
        for texts in iter_parquet_texts(file.path, field, 1024, source=file.source):
            for text in texts:
                if text is None:
                    raise InputError(f"row {index}: column {field!r} is null",
                                     source=file.source)
                yield index, text
                index += 1


def stdin_document(encoding: str, errors: str) -> str:
    """Standard input, whole, as one decoded document."""
    import sys

    stream: BinaryIO = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else io.BytesIO()
    return read_text(stream, encoding=encoding, errors=errors, source="<stdin>")
