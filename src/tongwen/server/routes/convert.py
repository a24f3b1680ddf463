"""``POST /v1/convert``: convert text between scripts, with one cached Converter per pair."""

from __future__ import annotations

from fastapi import APIRouter, Request

import tongwen
from tongwen.server.engines import EngineCache, check_length
from tongwen.server.schemas import ERROR_RESPONSES, ConvertRequest, ConvertResponse

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["convert"])


@router.post(
    "/convert",
    response_model=ConvertResponse,
    responses=ERROR_RESPONSES,
)
def convert(body: ConvertRequest, request: Request) -> ConvertResponse:
    """Convert ``body.text`` to ``body.to``; report the source used (detected when auto)."""
    check_length(body.text, request.app.state.settings)
    cache: EngineCache[tongwen.Converter] = request.app.state.converters

    def converter(source: str) -> tongwen.Converter:
        return cache.get(
            (body.to, source, body.context),
            lambda: tongwen.Converter(to=body.to, source=source, context=body.context),
        )

    source = converter(body.source).source_of(body.text)  # detected once, when auto
    converted = converter(source).convert(body.text)
    return ConvertResponse.model_validate({"text": converted, "from": source, "to": body.to})
