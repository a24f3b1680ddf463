"""``POST /v1/annotate``: readings for every character, rendered and as tokens."""

from __future__ import annotations

import threading

from fastapi import APIRouter, Request

import tongwen
from tongwen.server.schemas import (
    AnnotatedToken,
    AnnotateRequest,
    AnnotateResponse,
    ApiError,
    ErrorResponse,
)
from tongwen.server.settings import Settings

__all__ = ["AnnotatorCache", "router"]

router = APIRouter(prefix="/v1", tags=["annotate"])


class AnnotatorCache:
    """Thread-safe lazy map of options -> tongwen.Annotator; one per app instance."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._annotators: dict[tuple[object, ...], tongwen.Annotator] = {}

    def get(self, body: AnnotateRequest, source: str) -> tongwen.Annotator:
        """The Annotator for these options, built on first use."""
        key = (body.to, source, body.style, body.tone, body.readings, body.sandhi,
               body.only, body.rank, body.chars)
        annotator = self._annotators.get(key)
        if annotator is None:
            with self._lock:
                annotator = self._annotators.get(key)
                if annotator is None:
                    annotator = tongwen.Annotator(
                        to=body.to, source=source, style=body.style,
                        tone=body.tone, readings=body.readings, sandhi=body.sandhi,
                        only=body.only, rank=body.rank, chars=body.chars,
                    )
                    self._annotators[key] = annotator
        return annotator


@router.post(
    "/annotate",
    response_model=AnnotateResponse,
    responses={
        413: {"model": ErrorResponse, "description": "Body or text over the limits."},
        422: {"model": ErrorResponse, "description": "Invalid request body."},
    },
)
def annotate(body: AnnotateRequest, request: Request) -> AnnotateResponse:
    """Annotate ``body.text``: ``text`` rendered in ``format``, ``tokens`` one per character."""
    settings: Settings = request.app.state.settings
    if len(body.text) > settings.max_chars:
        raise ApiError(
            413, "text_too_long",
            f"text has {len(body.text)} characters; the limit is {settings.max_chars}",
        )
    cache: AnnotatorCache = request.app.state.annotators
    source = body.source
    if source == "auto":
        script = tongwen.detect_script(body.text).script
        source = "s" if script == "unknown" else script
    annotation = cache.get(body, source).annotation(body.text)
    tokens = [
        AnnotatedToken(
            char=t.char, reading=t.reading if t.selected else None, source=t.source,
            candidates=list(t.candidates) if len(t.candidates) > 1 else None,
            confidence=t.confidence,
        )
        for t in annotation.tokens
    ]
    return AnnotateResponse(text=annotation.render(body.format), tokens=tokens)
