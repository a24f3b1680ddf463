"""Request and response bodies of the HTTP API, and the error envelope every failure uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from tongwen.conversion.schemes import SOURCES, TARGETS
from tongwen.readings.annotator import ONLY, READINGS, TO
from tongwen.render.formats import FORMATS
from tongwen.render.styles import STYLE_NAMES, TONE_NAMES
from tongwen.repair.clean import CLEAN_TARGETS

__all__ = [
    "ERROR_RESPONSES",
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


#: The failures every POST route documents (and answers with :class:`ErrorResponse`).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Body not UTF-8, or input the engine rejects."},
    413: {"model": ErrorResponse, "description": "Body or text over the limits."},
    422: {"model": ErrorResponse, "description": "Malformed JSON or an invalid field."},
}


def _whole_number(value: object) -> object:
    """JSON Schema counts 3.0 as an integer: accept whole floats, leave the rest to validation."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: A strict positive integer (no strings, no booleans) that accepts a whole float such as 3.0.
PositiveWholeNumber = Annotated[int, Field(ge=1), BeforeValidator(_whole_number)]


class HealthResponse(BaseModel):
    """Liveness: always ``{"status": "ok"}`` while the process serves requests."""

    status: Literal["ok"] = "ok"


class VersionResponse(BaseModel):
    """The library version and the versions of its packaged data."""

    tongwen: str
    data: dict[str, str]


def _encodable(value: str) -> str:
    """``value`` unchanged; ValueError when it holds a lone surrogate (not UTF-8 encodable)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text contains a lone surrogate at character {exc.start}") from None
    return value


class ConvertRequest(BaseModel):
    """Convert ``text`` from script ``from`` (``"auto"``: detect it) to script ``to``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(description="The text to convert.")
    to: Target = Field(description="Target script or scheme.")
    source: Source = Field(
        default="auto", alias="from", description='Source script; "auto" detects it.'
    )
    context: bool = Field(
        default=True,
        description="Let the context model choose where phrases leave several forms; false "
        "takes the first form (OpenCC's behaviour).",
    )

    @field_validator("text")
    @classmethod
    def _no_lone_surrogates(cls, value: str) -> str:
        """Reject lone surrogates (e.g. a JSON ``"\\ud800"``): they cannot be encoded as UTF-8."""
        return _encodable(value)


class AnnotateRequest(BaseModel):
    """Annotate ``text`` with readings; the fields are the options of ``tongwen annotate``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(description="The text to annotate.")
    to: AnnotateTarget = Field(default="keep", description='Convert the script first, or "keep".')
    source: Source = Field(default="auto", alias="from", description="Script of the input.")
    format: Format = Field(default="inline", description="How `text` of the answer is rendered.")
    style: Style = Field(default="pinyin", description="pinyin or zhuyin.")
    tone: Tone = Field(default="marks", description="Tone marks, numbers or none.")
    readings: ReadingStandard = Field(default="standard", description="Taiwan readings: tw.")
    sandhi: bool = Field(default=False, description="Spoken tones (一, 不, third tones).")
    only: Only = Field(default="all", description="Which characters get a reading.")
    rank: PositiveWholeNumber | None = Field(
        default=None, description="Rank threshold for only=rare."
    )
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

    model_config = ConfigDict(extra="forbid", strict=True)

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
