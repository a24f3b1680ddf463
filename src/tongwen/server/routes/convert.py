"""``POST /v1/convert``: convert text between scripts, with one cached Converter per pair."""

from __future__ import annotations

import threading

from fastapi import APIRouter, Request

import tongwen
from tongwen.server.schemas import ApiError, ConvertRequest, ConvertResponse, ErrorResponse
from tongwen.server.settings import Settings

__all__ = ["ConverterCache", "router"]

router = APIRouter(prefix="/v1", tags=["convert"])


class ConverterCache:
    """Thread-safe lazy map ``(to, source) -> tongwen.Converter``; one per app instance."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converters: dict[tuple[str, str], tongwen.Converter] = {}

    def get(self, to: str, source: str) -> tongwen.Converter:
        """Return the Converter for ``(to, source)``, building it on first use."""
        key = (to, source)
        converter = self._converters.get(key)
        if converter is None:
            with self._lock:
                converter = self._converters.get(key)
                if converter is None:
                    converter = tongwen.Converter(to=to, source=source)
                    self._converters[key] = converter
        return converter


@router.post(
    "/convert",
    response_model=ConvertResponse,
    responses={
        400: {"model": ErrorResponse, "description": "The engine rejected the input."},
        413: {"model": ErrorResponse, "description": "Body or text over the limits."},
        422: {"model": ErrorResponse, "description": "Invalid request body."},
    },
)
def convert(body: ConvertRequest, request: Request) -> ConvertResponse:
    """Convert ``body.text`` to ``body.to``; report the source used (detected when auto)."""
    settings: Settings = request.app.state.settings
    if len(body.text) > settings.max_chars:
        raise ApiError(
            413,
            "text_too_long",
            f"text has {len(body.text)} characters; the limit is {settings.max_chars}",
        )
    cache: ConverterCache = request.app.state.converters
    source = cache.get(body.to, body.source).source_of(body.text)  # detected once, when auto
    converted = cache.get(body.to, source).convert(body.text)
    return ConvertResponse.model_validate({"text": converted, "from": source, "to": body.to})
