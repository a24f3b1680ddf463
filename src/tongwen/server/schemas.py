"""Request and response bodies of the HTTP API, and the error envelope every failure uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tongwen.conversion.schemes import SOURCES, TARGETS

__all__ = [
    "ApiError",
    "ConvertRequest",
    "ConvertResponse",
    "ErrorBody",
    "ErrorResponse",
    "HealthResponse",
    "Source",
    "Target",
    "VersionResponse",
]

if TYPE_CHECKING:
    Target = str
    Source = str
else:
    # Built from the engine's tuples so the API accepts exactly what the engine knows; at run
    # time these are real Literals, so validation and the OpenAPI enum both follow the engine.
    Target = Literal[TARGETS]
    Source = Literal[SOURCES]


class ApiError(Exception):
    """Raised by a route to answer ``status`` with the body ``{"error": {code, message}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ErrorBody(BaseModel):
    """A machine-readable ``code`` and a human-readable ``message``."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The body of every error response: ``{"error": {"code": ..., "message": ...}}``."""

    error: ErrorBody


class HealthResponse(BaseModel):
    """Liveness: always ``{"status": "ok"}`` while the process serves requests."""

    status: Literal["ok"] = "ok"


class VersionResponse(BaseModel):
    """The library version and the versions of its packaged data."""

    tongwen: str
    data: dict[str, str]


class ConvertRequest(BaseModel):
    """Convert ``text`` from script ``from`` (``"auto"``: detect it) to script ``to``."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The text to convert.")
    to: Target = Field(description="Target script or scheme.")
    source: Source = Field(
        default="auto", alias="from", description='Source script; "auto" detects it.'
    )

    @field_validator("text")
    @classmethod
    def _no_lone_surrogates(cls, value: str) -> str:
        """Reject lone surrogates (e.g. a JSON ``"\\ud800"``): they cannot be encoded as UTF-8."""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"text contains a lone surrogate at character {exc.start}") from None
        return value


class ConvertResponse(BaseModel):
    """The converted text, the source script used (the detected one when auto) and the target."""

    text: str
    source: str = Field(
        alias="from", description='Source script used; detected when "auto" was asked.'
    )
    to: str
