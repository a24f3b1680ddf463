"""Request and response bodies of the HTTP API, and the error envelope every failure uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tongwen.conversion.schemes import SOURCES, TARGETS
from tongwen.readings.annotator import ONLY, READINGS, TO
from tongwen.render.formats import FORMATS
from tongwen.render.styles import STYLE_NAMES, TONE_NAMES
from tongwen.repair.clean import CLEAN_TARGETS

__all__ = [
    "AnnotateRequest",
    "AnnotateResponse",
    "AnnotatedToken",
    "ApiError",
    "CleanRequest",
    "CleanResponse",
    "ConvertRequest",
    "ConvertResponse",
    "DetectRequest",
    "DetectionBody",
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
    AnnotateTarget = str
    CleanTarget = str
    Format = str
    Style = str
    Tone = str
    ReadingStandard = str
    Only = str
else:
    # Built from the engine's tuples so the API accepts exactly what the engine knows; at run
    # time these are real Literals, so validation and the OpenAPI enum both follow the engine.
    Target = Literal[TARGETS]
    Source = Literal[SOURCES]
    AnnotateTarget = Literal[TO]
    CleanTarget = Literal[CLEAN_TARGETS]
    Format = Literal[tuple(FORMATS)]
    Style = Literal[STYLE_NAMES]
    Tone = Literal[TONE_NAMES]
    ReadingStandard = Literal[READINGS]
    Only = Literal[ONLY]


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


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text contains a lone surrogate at character {exc.start}") from None
    return value


class AnnotateRequest(BaseModel):
    """Annotate ``text`` with readings; the fields are the options of ``tongwen annotate``."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The text to annotate.")
    to: AnnotateTarget = Field(default="keep", description='Convert the script first, or "keep".')
    source: Source = Field(default="auto", alias="from", description="Script of the input.")
    format: Format = Field(default="inline", description="How `text` of the answer is rendered.")
    style: Style = Field(default="pinyin", description="pinyin or zhuyin.")
    tone: Tone = Field(default="marks", description="Tone marks, numbers or none.")
    readings: ReadingStandard = Field(default="standard", description="Taiwan readings: tw.")
    sandhi: bool = Field(default=False, description="Spoken tones (一, 不, third tones).")
    only: Only = Field(default="all", description="Which characters get a reading.")
    rank: int | None = Field(default=None, ge=1, description="Rank threshold for only=rare.")
    chars: str | None = Field(default=None, description="Only these characters get a reading.")

    @field_validator("text")
    @classmethod
    def _no_lone_surrogates(cls, value: str) -> str:
        """Reject lone surrogates: they cannot be encoded as UTF-8."""
        return _encodable(value)


class AnnotatedToken(BaseModel):
    """One character: its reading (null when none is shown) and where the reading came from."""

    char: str
    reading: str | None
    source: str
    candidates: list[str] | None = None
    confidence: float | None = None


class AnnotateResponse(BaseModel):
    """The rendered text and one token per character of the (converted) text."""

    text: str
    tokens: list[AnnotatedToken]


class DetectRequest(BaseModel):
    """Is ``text`` polluted (readings pasted after characters, GBK garbles)?"""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The document to examine.")

    @field_validator("text")
    @classmethod
    def _no_lone_surrogates(cls, value: str) -> str:
        """Reject lone surrogates: they cannot be encoded as UTF-8."""
        return _encodable(value)


class DetectionBody(BaseModel):
    """The decision, a score in [0, 1] and the evidence."""

    polluted: bool
    score: float
    han: int
    annotations: int
    fitting: int
    converted: int
    garbles: int
    density: float


class CleanRequest(DetectRequest):
    """Clean ``text``: undo garbles, strip pasted readings, optionally back to Simplified."""

    to: CleanTarget = Field(default="keep", description='"keep" the script or "s".')


class CleanResponse(BaseModel):
    """The cleaned text (unchanged when not polluted) and what was done."""

    text: str
    changed: bool
    stripped: int
    repaired: int
    converted: bool
    detection: DetectionBody


class ConvertResponse(BaseModel):
    """The converted text, the source script used (the detected one when auto) and the target."""

    text: str
    source: str = Field(
        alias="from", description='Source script used; detected when "auto" was asked.'
    )
    to: str
