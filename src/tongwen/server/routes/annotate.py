"""``POST /v1/annotate``: readings for every character, rendered and as tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request

import tongwen
from tongwen.server.engines import EngineCache, check_length
from tongwen.server.schemas import (
    ERROR_RESPONSES,
    AnnotatedToken,
    AnnotateRequest,
    AnnotateResponse,
)

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["annotate"])


@router.post(
    "/annotate",
    response_model=AnnotateResponse,
    responses=ERROR_RESPONSES,
)
def annotate(body: AnnotateRequest, request: Request) -> AnnotateResponse:
    """Annotate ``body.text``: ``text`` rendered in ``format``, ``tokens`` one per character."""
    check_length(body.text, request.app.state.settings)
    cache: EngineCache[tongwen.Annotator] = request.app.state.annotators
    source = body.source  # "auto": the Annotator detects the script of each text
    key = (body.to, source, body.style, body.tone, body.readings, body.sandhi, body.only,
           body.rank, body.chars)
    annotator = cache.get(key, lambda: tongwen.Annotator(
        to=body.to, source=source, style=body.style, tone=body.tone, readings=body.readings,
        sandhi=body.sandhi, only=body.only, rank=body.rank, chars=body.chars,
    ))
    annotation = annotator.annotation(body.text)
    tokens = [
        AnnotatedToken(
            char=t.char, reading=t.reading if t.selected else None, source=t.source,
            candidates=list(t.candidates) if len(t.candidates) > 1 else None,
            confidence=t.confidence,
        )
        for t in annotation.tokens
    ]
    return AnnotateResponse(text=annotation.render(body.format), tokens=tokens)
