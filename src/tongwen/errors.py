"""The error tree: every error tongwen raises on purpose is a TongwenError."""

from __future__ import annotations

__all__ = [
    "DataError",
    "InputError",
    "TongwenError",
    "UnknownSchemeError",
]


class TongwenError(Exception):
    """Base class of every error tongwen raises on purpose."""


class InputError(TongwenError, ValueError):
    """The input cannot be processed as given (bad bytes, bad user dictionary line, ...).

    ``byte_offset`` is the absolute offset of the first offending byte when the input was bytes;
    ``source`` names the file or stream, ``line`` the 1-based line of a dictionary file.
    """

    def __init__(
        self,
        message: str,
        *,
        byte_offset: int | None = None,
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.byte_offset = byte_offset
        self.source = source
        self.line = line

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.byte_offset is not None:
            where.append(f"byte offset {self.byte_offset}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DataError(TongwenError):
    """The packaged data is missing, corrupt or inconsistent with its manifest."""


class UnknownSchemeError(TongwenError, ValueError):
    """A script or conversion scheme name that tongwen does not know."""
