"""``POST /v1/detect`` and ``POST /v1/clean``: polluted web text, found and repaired."""

from __future__ import annotations

from fastapi import APIRouter, Request

import tongwen
from tongwen.server.engines import check_length
from tongwen.server.schemas import (
    ERROR_RESPONSES,
    CleanRequest,
    CleanResponse,
    DetectionBody,
    DetectRequest,
)

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["repair"])

@router.post("/detect", response_model=DetectionBody, responses=ERROR_RESPONSES)
def detect(body: DetectRequest, request: Request) -> DetectionBody:
    """Whether ``body.text`` is polluted, with its score and evidence."""
    check_length(body.text, request.app.state.settings)
    return DetectionBody.model_validate(tongwen.detect(body.text).as_dict())


@router.post("/clean", response_model=CleanResponse, responses=ERROR_RESPONSES)
def clean(body: CleanRequest, request: Request) -> CleanResponse:
    """``body.text`` without pasted readings and garbles (unchanged when not polluted)."""
    check_length(body.text, request.app.state.settings)
    cleaned = tongwen.clean(body.text, to=body.to)
    return CleanResponse(
        text=cleaned.text, changed=cleaned.changed, stripped=cleaned.stripped,
        repaired=cleaned.repaired, converted=cleaned.converted,
        detection=DetectionBody.model_validate(cleaned.detection.as_dict()),
    )
